/**
 * CID strings (multibase base32, `b` + RFC 4648 lower case) parsed into a scratch buffer: the binary CID
 * and its parts, with no allocation per CID. For links inside documents and CIDs named by manifests,
 * in verify, query and export alike (the binary parser is ../cid.ts readCid).
 */
import { base32DecodeBytes, base32DecodeString, readCid, type CidParts } from '../cid.js';

/** The binary CID of the last string parsed here. */
export const cidScratch = new Uint8Array(256);

function parts(n: number, text: () => string): CidParts | string {
  if (n < 0) return `${text()} is not a CID: not canonical base32`;
  let p: CidParts;
  try {
    p = readCid(cidScratch, 0, n);
  } catch (err) {
    return `${text()} is not a CID: ${(err as Error).message.replace(/^CID at byte 0: /, '')}`;
  }
  return p.length === n ? p : `${text()} has trailing bytes`;
}

/** Parses a CID string into {@link cidScratch}: its parts, or why it is not a base32 CID. */
export function parseCidString(text: string): CidParts | string {
  if (text.length < 2 || text.charCodeAt(0) !== 0x62 || text.length > 400) return `${JSON.stringify(text)} is not a base32 CIDv1 string`;
  return parts(base32DecodeString(text, 1, cidScratch, 0), () => text);
}

/** {@link parseCidString} for CID text held as bytes[s, e) (e.g. a link inside a record line). */
export function parseCidText(bytes: Uint8Array, s: number, e: number): CidParts | string {
  const text = (): string => Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('utf8');
  if (e - s < 2 || bytes[s] !== 0x62 || e - s > 400) return `${JSON.stringify(text())} is not a base32 CIDv1 string`;
  return parts(base32DecodeBytes(bytes, s + 1, e, cidScratch, 0), text);
}
