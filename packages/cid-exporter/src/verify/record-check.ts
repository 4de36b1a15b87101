/**
 * Checks one stored record (a log line, or a record block of a CAR) in one pass over its bytes: canonical
 * DAG-JSON (../dag-json/validate.ts) and the fields the chain needs (FORMAT.md section 3: v, type, log,
 * seq, prev), read from the validated bytes without building the record.
 */
import { DagJsonScan, LINK_SLOT, ValueKind } from '../dag-json/validate.js';

/** The record format version this reader reads. */
export const READ_FORMAT_VERSION = 2;

export const RECORD_TYPES = ['span', 'cut', 'damage', 'dropped', 'unverified', 'witness'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
const TYPE_BYTES = RECORD_TYPES.map((t) => Buffer.from(t, 'latin1'));

/** Binary CIDv1 prefix of a dag-json sha2-256 CID: version 1, codec 0x0129, sha2-256, 32 bytes. */
export const DAG_JSON_CID_PREFIX = Uint8Array.from([0x01, 0xa9, 0x02, 0x12, 0x20]);

/** A record of another format version: an input error (not tampering) when it is a log's first record. */
export class FormatVersionError extends Error {
  override name = 'FormatVersionError';
}

/** Top-level fields read from every record, in the order of the scan's `wanted` indices. */
const FIELDS = ['v', 'type', 'log', 'seq', 'prev'] as const;
const [V, TYPE, LOG, SEQ, PREV] = [0, 1, 2, 3, 4];

export class RecordCheck {
  readonly scan = new DagJsonScan(FIELDS);
  /** Why the record is not acceptable in the chain (bytes or shape), or null. */
  problem: string | null = null;
  /** True when the bytes are canonical DAG-JSON (the shape may still be wrong). */
  canonical = false;
  version = NaN;
  type: RecordType | null = null;
  seq = NaN;
  /** True when the record's `log` equals the expected log id. */
  ownLog = false;
  /** Link index of `prev`, -1 for null. */
  prevLink = -1;
  /** The digest prev names (valid when prevLink >= 0 and prevDigestOk). */
  readonly prevDigest = new Uint8Array(32);
  prevDigestOk = false;

  /**
   * Checks bytes[start, end) as a record of log `log` (its id as bytes). Sets the fields above; returns
   * true when the record is canonical and has the shape of a version 2 record.
   */
  check(bytes: Uint8Array, start: number, end: number, log: Uint8Array): boolean {
    const scan = this.scan;
    this.problem = null;
    this.type = null;
    this.version = NaN;
    this.seq = NaN;
    this.ownLog = false;
    this.prevLink = -1;
    this.prevDigestOk = false;
    this.canonical = scan.scan(bytes, start, end);
    if (!this.canonical) {
      this.problem = `not canonical DAG-JSON: ${scan.error} (byte ${scan.errorAt - start})`;
      return false;
    }
    if (!scan.rootIsMap) return this.shape('not a map');
    const w = scan.wanted;
    const v = w[V]!;
    if (v < 0 || scan.valueKind[v] !== ValueKind.Integer)
      return this.shape(`unsupported record version ${v < 0 ? 'undefined' : textOf(bytes, scan.valueStart[v]!, scan.valueEnd[v]!)}`);
    this.version = scan.valueNumber[v]!;
    if (this.version !== READ_FORMAT_VERSION) return this.shape(`unsupported record version ${this.version}`);
    const t = w[TYPE]!;
    if (t >= 0 && scan.valueKind[t] === ValueKind.String) {
      const s = scan.valueStart[t]! + 1;
      const e = scan.valueEnd[t]! - 1;
      for (let k = 0; k < TYPE_BYTES.length; k++) if (sameBytes(bytes, s, e, TYPE_BYTES[k]!)) this.type = RECORD_TYPES[k]!;
    }
    if (this.type === null) return this.shape(`unknown record type ${t < 0 ? 'undefined' : textOf(bytes, scan.valueStart[t]!, scan.valueEnd[t]!)}`);
    const l = w[LOG]!;
    if (l < 0 || scan.valueKind[l] !== ValueKind.String) return this.shape('no log id');
    this.ownLog = sameBytes(bytes, scan.valueStart[l]! + 1, scan.valueEnd[l]! - 1, log);
    const q = w[SEQ]!;
    if (q < 0 || scan.valueKind[q] !== ValueKind.Integer || !(scan.valueNumber[q]! >= 0)) return this.shape('seq is not a non-negative integer');
    this.seq = scan.valueNumber[q]!;
    const p = w[PREV]!;
    if (p < 0 || (scan.valueKind[p] !== ValueKind.Null && scan.valueKind[p] !== ValueKind.Link)) return this.shape('prev is neither a link nor null');
    if (scan.valueKind[p] === ValueKind.Link) {
      this.prevLink = scan.valueLink[p]!;
      // a prev naming anything but a dag-json sha2-256 CID can never match a record
      const at = this.prevLink * LINK_SLOT;
      if (scan.linkLength[this.prevLink] === 37 && sameBytes(scan.linkBytes, at, at + 5, DAG_JSON_CID_PREFIX)) {
        this.prevDigest.set(scan.linkBytes.subarray(at + 5, at + 37));
        this.prevDigestOk = true;
      }
    }
    return true;
  }

  private shape(what: string): false {
    this.problem = `not a record: ${what}`;
    return false;
  }
}

function sameBytes(a: Uint8Array, s: number, e: number, b: Uint8Array): boolean {
  if (e - s !== b.length) return false;
  for (let i = 0; i < b.length; i++) if (a[s + i] !== b[i]) return false;
  return true;
}

function textOf(bytes: Uint8Array, s: number, e: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + s, e - s).toString('utf8');
}
