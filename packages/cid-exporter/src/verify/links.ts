/**
 * Links (`{"/": "<cid>"}`) as verify meets them: the CID text inside a validated DAG-JSON document,
 * parsed in place into a scratch buffer (no string per link), and the paths of links for messages,
 * worked out only when a message needs one.
 */
import type { CidParts } from '../cid.js';
import { decodeStringText } from '../dag-json/validate.js';
import { cidScratch, parseCidString, parseCidText } from '../read/cid-text.js';
import { disallowedCidReason } from './block-check.js';

/** Binary CID of the last parsed link. */
export const linkScratch = cidScratch;

/**
 * Parses the link text bytes[s, e) (the CID string between the quotes) into {@link linkScratch}; returns
 * its parts, or a string saying why it is not an acceptable CID (then the link is a `disallowed cid`).
 */
export function parseLinkText(bytes: Uint8Array, s: number, e: number): CidParts | string {
  const parts = parseCidText(bytes, s, e);
  return typeof parts === 'string' ? parts : (disallowedCidReason(parts) ?? parts);
}

/** {@link parseLinkText} for a CID string (e.g. from a decoded manifest). */
export function parseLinkString(text: string): CidParts | string {
  const parts = parseCidString(text);
  return typeof parts === 'string' ? parts : (disallowedCidReason(parts) ?? parts);
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
