/**
 * The allow-list every stored or exported block must pass, and the hash check that proves a block's
 * bytes are the ones its CID names. The hash is always taken over the bytes as stored (never over a
 * re-encoding), so any change to a block shows up as a mismatch.
 */
import { CODEC_DAG_JSON, CODEC_RAW, MULTIHASH_SHA2_256, type CidParts } from '../cid.js';
import { digestEquals, digestHex, sha256Latin1 } from '../read/sha256.js';

/** Codecs allowed for blocks: raw for captured payload bytes, dag-json for records and linking blocks. */
export const ALLOWED_BLOCK_CODECS: ReadonlyMap<number, string> = new Map([
  [CODEC_RAW, 'raw'],
  [CODEC_DAG_JSON, 'dag-json'],
]);

export function codecName(code: number): string {
  const known: Record<number, string> = { 0x55: 'raw', 0x0129: 'dag-json', 0x71: 'dag-cbor', 0x70: 'dag-pb', 0x0200: 'json', 0x0202: 'cbor' };
  return known[code] ?? `0x${code.toString(16)}`;
}

/** Why a CID is not acceptable (version, codec or hash function), or undefined when it is. */
export function disallowedCidReason(cid: Pick<CidParts, 'version' | 'codec' | 'hashCode' | 'digestLength'>): string | undefined {
  if (cid.version !== 1) return `CIDv${cid.version} is not allowed (only CIDv1)`;
  if (!ALLOWED_BLOCK_CODECS.has(cid.codec)) return `codec ${codecName(cid.codec)} is not allowed (only raw 0x55 and dag-json 0x0129)`;
  if (cid.hashCode !== MULTIHASH_SHA2_256) return `multihash 0x${cid.hashCode.toString(16)} is not allowed (only sha2-256)`;
  if (cid.digestLength !== 32) return `sha2-256 digest of ${cid.digestLength} bytes`;
  return undefined;
}

/** What is wrong with a block: a CID outside the allow-list, or bytes that do not match the CID. */
export interface BlockProblem {
  kind: 'disallowed cid' | 'modified';
  detail: string;
}

/**
 * The problem with a stored block whose CID is `cid` (digest at cidBytes[cid.digestOffset]) and whose
 * bytes are data[start, end), or undefined when its bytes match its (allowed) CID. `view` is that range
 * as its own array, which crypto.hash needs.
 */
export function blockProblem(cid: CidParts, cidBytes: Uint8Array, view: Uint8Array): BlockProblem | undefined {
  const disallowed = disallowedCidReason(cid);
  if (disallowed) return { kind: 'disallowed cid', detail: disallowed };
  const digest = sha256Latin1(view);
  if (!digestEquals(digest, cidBytes, cid.digestOffset)) {
    return { kind: 'modified', detail: `bytes hash to sha2-256 ${digestHex(digest)}, not the digest in the CID` };
  }
  return undefined;
}
