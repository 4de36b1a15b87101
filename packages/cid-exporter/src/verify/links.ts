/**
 * Links (`{"/": "<cid>"}`) as verify meets them: the CID text inside a validated DAG-JSON document,
 * parsed in place into a scratch buffer (no string per link), and the paths of links for messages,
 * worked out only when a message needs one.
 */
import { base32DecodeBytes, readCid, type CidParts } from '../cid.js';
import { decodeStringText } from '../dag-json/validate.js';
import { disallowedCidReason } from './block-check.js';

/** Binary CID of the last parsed link, and its parts. */
export const linkScratch = new Uint8Array(256);

/**
 * Parses the link text bytes[s, e) (the CID string between the quotes) into {@link linkScratch}; returns
 * its parts, or a string saying why it is not an acceptable CID (then the link is a `disallowed cid`).
 */
export function parseLinkText(bytes: Uint8Array, s: number, e: number): CidParts | string {
  if (e - s < 2 || bytes[s] !== 0x62 || e - s > 400) return `${JSON.stringify(textOf(bytes, s, e))} is not a base32 CIDv1 string`;
  const n = base32DecodeBytes(bytes, s + 1, e, linkScratch, 0);
  if (n < 0) return `${textOf(bytes, s, e)} is not a CID: not canonical base32`;
  let parts: CidParts;
  try {
    parts = readCid(linkScratch, 0, n);
  } catch (err) {
    return `${textOf(bytes, s, e)} is not a CID: ${(err as Error).message.replace(/^CID at byte 0: /, '')}`;
  }
  if (parts.length !== n) return `${textOf(bytes, s, e)} has trailing bytes`;
  return disallowedCidReason(parts) ?? parts;
}

const BASE32 = new Int8Array(128).fill(-1);
for (let d = 0; d < 32; d++) BASE32['abcdefghijklmnopqrstuvwxyz234567'.charCodeAt(d)] = d;

/** {@link parseLinkText} for a CID string (e.g. from a decoded manifest), without a Buffer of it. */
export function parseLinkString(text: string): CidParts | string {
  if (text.length < 2 || text.charCodeAt(0) !== 0x62 || text.length > 400) return `${JSON.stringify(text)} is not a base32 CIDv1 string`;
  let bits = 0;
  let acc = 0;
  let j = 0;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? BASE32[c]! : -1;
    if (v < 0) return `${text} is not a CID: not canonical base32`;
    acc = ((acc << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      linkScratch[j++] = (acc >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  if (bits >= 5 || (acc & ((1 << bits) - 1)) !== 0) return `${text} is not a CID: not canonical base32`;
  let parts: CidParts;
  try {
    parts = readCid(linkScratch, 0, j);
  } catch (err) {
    return `${text} is not a CID: ${(err as Error).message.replace(/^CID at byte 0: /, '')}`;
  }
  if (parts.length !== j) return `${text} has trailing bytes`;
  return disallowedCidReason(parts) ?? parts;
}

export function textOf(bytes: Uint8Array, s: number, e: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('utf8');
}

/**
 * Dotted paths of the links in a canonical DAG-JSON document, in document order (the order the
 * validator lists them): `input`, `events.0.attributes.x`. Slow, for messages only.
 */
export function linkPaths(bytes: Uint8Array, start: number, end: number): string[] {
  const out: string[] = [];
  let i = start;
  const str = (): [number, number] => {
    const s = ++i;
    while (bytes[i] !== 0x22) i += bytes[i] === 0x5c ? 2 : 1;
    i++;
    return [s, i - 1];
  };
  const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);
  const value = (path: string): void => {
    const c = bytes[i];
    if (c === 0x7b) {
      i++;
      if (bytes[i] === 0x7d) {
        i++;
        return;
      }
      for (;;) {
        const [ks, ke] = str();
        i++; // ':'
        if (ke - ks === 1 && bytes[ks] === 0x2f && bytes[i] === 0x22) {
          out.push(path);
          str();
        } else value(join(path, decodeStringText(bytes, ks, ke)));
        if (bytes[i++] === 0x7d) return;
      }
    } else if (c === 0x5b) {
      i++;
      if (bytes[i] === 0x5d) {
        i++;
        return;
      }
      for (let k = 0; ; k++) {
        value(join(path, String(k)));
        if (bytes[i++] === 0x5d) return;
      }
    } else if (c === 0x22) str();
    else while (i < end && bytes[i] !== 0x2c && bytes[i] !== 0x7d && bytes[i] !== 0x5d) i++;
  };
  value('');
  return out;
}
