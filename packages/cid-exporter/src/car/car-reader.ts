/**
 * Streaming reader of CARv1 files and of store block packs (a pack is a CAR without its header,
 * FORMAT.md section 5.1): `varint(len) | CID | block` sections read one at a time from a reused window,
 * without trusting anything in them. Every structural problem is reported as a positioned error instead
 * of thrown, after the sections before it, so a verifier can name the first failure exactly.
 * Spec: https://ipld.io/specs/transport/car/carv1/
 */
import { decodeVarint, readCid, VarintError, type CidParts } from '../cid.js';
import { ChunkedFile, type ChunkedFileOptions } from '../read/chunked-file.js';
import { decodeCarHeader, type CarHeader } from './car-header.js';

/** Why a CAR or pack could not be read to its end. */
export interface CarStructureError {
  kind: 'malformed header' | 'truncated' | 'malformed section';
  /** Byte offset where the problem starts. */
  offset: number;
  /** Index of the section the problem is in (absent for the header). */
  section?: number;
  message: string;
}

/** Longest section head read before the length is known: a 9-byte varint and a generous CID. */
const HEAD = 9 + 128;

/**
 * Iterates the sections of a file from a given offset. After next() returns true the current section's
 * bytes are in `file.buf`: the CID at cid.digestOffset - ..., the block at [dataStart, dataEnd). They stay
 * valid until the next call.
 */
export class SectionReader {
  /** 0-based index and file offset of the current section, and the offset just past it. */
  index: number;
  offset = 0;
  next_ = 0;
  /** Where the current section's CID and block are in file.buf. */
  cidStart = 0;
  cid: CidParts = { version: 1, codec: 0, hashCode: 0, digestOffset: 0, digestLength: 0, length: 0 };
  dataStart = 0;
  dataEnd = 0;
  /** Set when next() returned false because the bytes are not a whole section. */
  error: CarStructureError | null = null;

  constructor(
    readonly file: ChunkedFile,
    firstIndex = 0,
  ) {
    this.index = firstIndex - 1;
  }

  /** Moves to the next section: true when there is a whole one; false at the end or on `error`. */
  next(): boolean {
    const f = this.file;
    f.pos = this.next_ - f.base;
    const index = this.index + 1;
    const have = f.need(HEAD);
    if (have === 0) return false;
    const offset = f.offset;
    let len: number;
    let n: number;
    const buf = f.buf;
    const p = f.pos;
    // the common section lengths (< 2^21) without a general varint read
    if (buf[p]! < 0x80 && have >= 1) {
      len = buf[p]!;
      n = 1;
    } else if (have >= 2 && buf[p + 1]! < 0x80 && buf[p + 1] !== 0) {
      len = (buf[p]! & 0x7f) | (buf[p + 1]! << 7);
      n = 2;
    } else if (have >= 3 && buf[p + 1]! >= 0x80 && buf[p + 2]! < 0x80 && buf[p + 2] !== 0) {
      len = (buf[p]! & 0x7f) | ((buf[p + 1]! & 0x7f) << 7) | (buf[p + 2]! << 14);
      n = 3;
    } else
      try {
        [len, n] = decodeVarint(buf, p, p + have);
      } catch (err) {
        const truncated = err instanceof VarintError && err.truncated;
        this.error = truncated
          ? { kind: 'truncated', offset, section: index, message: 'the file ends inside a section length' }
          : { kind: 'malformed section', offset, section: index, message: (err as Error).message };
        return false;
      }
    if (len === 0) {
      this.error = { kind: 'malformed section', offset, section: index, message: 'empty section (no CID)' };
      return false;
    }
    const total = n + len;
    const avail = f.need(total);
    if (avail < total) {
      this.error = { kind: 'truncated', offset, section: index, message: `section declares ${len} bytes but only ${avail - n} remain` };
      return false;
    }
    const start = f.pos + n;
    const b = f.buf;
    const c = this.cid;
    // the two CID shapes a store holds (dag-json and raw, sha2-256 CIDv1) without a general parse
    if (len >= 37 && b[start] === 0x01 && b[start + 1] === 0xa9 && b[start + 2] === 0x02 && b[start + 3] === 0x12 && b[start + 4] === 0x20) {
      c.version = 1;
      c.codec = 0x0129;
      c.hashCode = 0x12;
      c.digestOffset = start + 5;
      c.digestLength = 32;
      c.length = 37;
    } else if (len >= 36 && b[start] === 0x01 && b[start + 1] === 0x55 && b[start + 2] === 0x12 && b[start + 3] === 0x20) {
      c.version = 1;
      c.codec = 0x55;
      c.hashCode = 0x12;
      c.digestOffset = start + 4;
      c.digestLength = 32;
      c.length = 36;
    } else
      try {
        this.cid = readCid(b, start, start + len);
      } catch (err) {
        this.error = { kind: 'malformed section', offset, section: index, message: `section CID: ${(err as Error).message.replace(/ at byte \d+/, '')}` };
        return false;
      }
    this.index = index;
    this.offset = offset;
    this.next_ = offset + total;
    this.cidStart = start;
    this.dataStart = start + this.cid.length;
    this.dataEnd = f.pos + total;
    return true;
  }
}

/** An opened CAR file: its header (or why it has none) and a reader positioned at the first section. */
export interface OpenedCar {
  file: ChunkedFile;
  header?: CarHeader;
  /** Offset of the first section. */
  sectionsStart: number;
  error?: CarStructureError;
  sections: SectionReader;
}

/** Opens a CARv1 file and reads its header (throws only the fs error of opening it). */
export function openCar(path: string, options: ChunkedFileOptions = {}): OpenedCar {
  const file = ChunkedFile.open(path, options);
  const sections = new SectionReader(file);
  const fail = (error: CarStructureError): OpenedCar => ({ file, sectionsStart: 0, error, sections });
  const have = file.need(9);
  let len: number;
  let n: number;
  try {
    [len, n] = decodeVarint(file.buf, file.pos, file.pos + have);
  } catch (err) {
    if (err instanceof VarintError && err.truncated) return fail({ kind: 'truncated', offset: 0, message: 'the file ends inside the CAR header' });
    return fail({ kind: 'malformed header', offset: 0, message: (err as Error).message });
  }
  if (file.need(n + len) < n + len) return fail({ kind: 'truncated', offset: 0, message: 'the file ends inside the CAR header' });
  let header: CarHeader;
  try {
    header = decodeCarHeader(file.buf.subarray(file.pos + n, file.pos + n + len));
  } catch (err) {
    return fail({ kind: 'malformed header', offset: n, message: (err as Error).message });
  }
  file.skip(n + len);
  sections.next_ = n + len;
  return { file, header, sectionsStart: n + len, sections };
}

/** Reader of a block pack (sections from offset `start`, numbered from `firstIndex`). */
export function openPack(path: string, options: ChunkedFileOptions = {}, firstIndex = 0): SectionReader {
  const file = ChunkedFile.open(path, options);
  const reader = new SectionReader(file, firstIndex);
  reader.next_ = options.start ?? 0;
  return reader;
}

/**
 * Reads single sections at known offsets (random access by a CAR index). Reads ahead from each offset,
 * so sections fetched in file order cost one sequential pass over the file.
 */
export class SectionFetcher {
  readonly reader: SectionReader;

  constructor(path: string, options: ChunkedFileOptions = {}) {
    this.reader = new SectionReader(ChunkedFile.open(path, options));
  }

  /** Reads the section at file offset `offset` (numbered `index`): true with the reader's fields set. */
  at(offset: number, index: number): boolean {
    const r = this.reader;
    r.file.seek(offset);
    r.next_ = offset;
    r.index = index - 1;
    r.error = null;
    return r.next();
  }

  close(): void {
    this.reader.file.close();
  }
}
