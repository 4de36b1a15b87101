/**
 * Block pack files (FORMAT.md section 5.1): CARv1 sections without the CAR header,
 * `uvarint(len(cid) + len(block)) || cid || block`. Spec of the section layout:
 * https://ipld.io/specs/transport/car/carv1/#data
 */
import { CID, decodeVarint, encodeVarint, VarintError } from './cid.js';

/** The parts of one section (length varint, CID bytes, block bytes), for writing without a copy. */
export function packSectionParts(cid: CID, block: Uint8Array): Uint8Array[] {
  const cidBytes = cid.bytes;
  return [Buffer.from(encodeVarint(cidBytes.length + block.length)), cidBytes, block];
}

export function encodePackSection(cid: CID, block: Uint8Array): Buffer {
  const cidBytes = cid.bytes;
  const len = Buffer.from(encodeVarint(cidBytes.length + block.length));
  return Buffer.concat([len, cidBytes, block]);
}

export interface PackSection {
  cid: CID;
  /** The block bytes (a view into the pack buffer). */
  bytes: Uint8Array;
  /** Byte offset of the section start in the pack. */
  offset: number;
  /** Byte offset just past the section. */
  end: number;
}

export interface PackScan {
  sections: PackSection[];
  /** Offset where the complete sections end (= file length unless the tail is torn). */
  completeLength: number;
  /** Set when bytes after the last complete section do not form a whole section. */
  tornTail: { offset: number; length: number } | null;
}

/**
 * Parses every section of a pack held in memory (the writer's recovery reads one log's pack this way;
 * readers stream packs with ../car/car-reader.ts). A section that runs past the end of the buffer is a
 * torn tail; a section whose CID cannot be parsed is damage and throws with its offset.
 */
export function scanPack(buf: Uint8Array): PackScan {
  const sections: PackSection[] = [];
  let pos = 0;
  while (pos < buf.length) {
    let len: number;
    let n: number;
    try {
      [len, n] = decodeVarint(buf, pos);
    } catch (err) {
      if (err instanceof VarintError && err.truncated) return { sections, completeLength: pos, tornTail: { offset: pos, length: buf.length - pos } };
      throw new Error(`pack: bad section length varint at byte ${pos}`, { cause: err });
    }
    const end = pos + n + len;
    if (end > buf.length) return { sections, completeLength: pos, tornTail: { offset: pos, length: buf.length - pos } };
    let cid: CID;
    let cidLen: number;
    try {
      [cid, cidLen] = CID.decodeFirst(buf, pos + n);
    } catch (err) {
      throw new Error(`pack: bad CID in section at byte ${pos}: ${(err as Error).message}`, { cause: err });
    }
    if (cidLen > len) throw new Error(`pack: section at byte ${pos} shorter than its CID`);
    sections.push({ cid, bytes: buf.subarray(pos + n + cidLen, end), offset: pos, end });
    pos = end;
  }
  return { sections, completeLength: pos, tornTail: null };
}
