/**
 * Reads a binary CID from the front of a byte range, as CAR sections store them (the CID's length is
 * not prefixed, so it must be parsed to find where the block data starts).
 * Spec: https://github.com/multiformats/cid#decoding-algorithm
 */
import { decodeVarint } from '../export/varint.js';

/** The parts of a binary CID. `bytes` is a view of exactly the CID's bytes. */
export interface BinaryCid {
  version: 0 | 1;
  codec: number;
  hashCode: number;
  digest: Uint8Array;
  bytes: Uint8Array;
}

const SHA2_256 = 0x12;
const DAG_PB = 0x70;

function varintAt(bytes: Uint8Array, at: number, what: string): { value: number; length: number } {
  const v = decodeVarint(bytes, at);
  if (!v) throw new Error(`CID ends inside its ${what}`);
  return v;
}

/** Parses the CID starting at `offset` of `bytes` (which ends where the enclosing section ends). */
export function readBinaryCid(bytes: Uint8Array, offset = 0): BinaryCid {
  // CIDv0 is a bare sha2-256 multihash (0x12 0x20 + 32 bytes), implicitly dag-pb.
  if (bytes[offset] === SHA2_256 && bytes[offset + 1] === 0x20) {
    if (offset + 34 > bytes.length) throw new Error('CIDv0 ends inside its digest');
    return { version: 0, codec: DAG_PB, hashCode: SHA2_256, digest: bytes.subarray(offset + 2, offset + 34), bytes: bytes.subarray(offset, offset + 34) };
  }
  let at = offset;
  const version = varintAt(bytes, at, 'version');
  at += version.length;
  if (version.value !== 1) throw new Error(`unsupported CID version ${version.value}`);
  const codec = varintAt(bytes, at, 'codec');
  at += codec.length;
  const hash = varintAt(bytes, at, 'multihash code');
  at += hash.length;
  const len = varintAt(bytes, at, 'digest length');
  at += len.length;
  if (at + len.value > bytes.length) throw new Error('CID ends inside its digest');
  const digest = bytes.subarray(at, at + len.value);
  at += len.value;
  return { version: 1, codec: codec.value, hashCode: hash.value, digest, bytes: bytes.subarray(offset, at) };
}
