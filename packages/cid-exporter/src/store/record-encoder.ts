/**
 * Encodes one append: chains each record to the log (`log`, `seq`, `prev`), has it written straight into
 * one line buffer and the blocks it links into one pack buffer, hashes the line once for its CID and adds that
 * digest to the log's Merkle accumulator as the record's leaf hash (FORMAT.md sections 3, 5.1 and 6). Synchronous; no I/O.
 */
import { CID, CODEC_DAG_JSON } from '../cid.js';
import { sha256Text } from '../sha256.js';
import { encodeDagJsonString } from '../dag-json/encode.js';
import { FORMAT_VERSION } from '../record.js';
import type { BufferPool } from './buffer-pool.js';
import { ByteBatch } from './byte-batch.js';
import type { LogSnapshot, OpenLog } from './open-log.js';
import { PackBatch } from './pack-batch.js';
import type { AppendedRecord, BlockInput, RecordContext, RecordDraft, RecordInput, RecordWriter } from './record-input.js';

export interface EncodedAppend {
  /** One entry per input: the record, or the error that kept it out of the log. */
  records: (AppendedRecord | Error)[];
  /** The record lines, each followed by "\n"; null when no record was appended. */
  lines: Buffer | null;
  pack: Buffer | null;
  /** The log up to and including this append. */
  snapshot: LogSnapshot;
  /** The buffers `lines` and `pack` are views of (to reuse once written). */
  buffers: Buffer[];
}

/** The chain position handed to record writers; one per append, advanced record by record. */
class AppendContext implements RecordContext {
  readonly log: string;
  readonly logBytes: Uint8Array;
  prev: CID | null;
  seq: number;

  constructor(
    log: OpenLog,
    readonly pack: PackBatch,
  ) {
    this.log = log.id;
    this.logBytes = log.idBytes;
    this.prev = log.head;
    this.seq = log.size;
  }

  putText(codec: number, text: string): CID {
    return this.pack.putText(codec, text);
  }

  put(block: BlockInput): CID {
    return this.pack.put(block);
  }

  beginBlock(codec: number): ByteBatch {
    return this.pack.begin(codec);
  }

  endBlock(): CID {
    return this.pack.end();
  }
}

function isWriter(input: RecordInput): input is RecordWriter {
  return typeof (input as RecordWriter).writeRecord === 'function';
}

/** A field-map record: the store's keys set in place (the store owns the draft), then encoded. */
function writeDraft(draft: RecordDraft, ctx: AppendContext, out: ByteBatch): void {
  const value = draft.fields;
  value['log'] = ctx.log;
  value['prev'] = ctx.prev;
  value['seq'] = ctx.seq;
  value['v'] = FORMAT_VERSION;
  const text = encodeDagJsonString(value);
  for (const block of draft.blocks) ctx.put(block);
  out.writeUtf8(text);
}

/**
 * Bytes to reserve for `count` records whose bytes so far averaged `total / records`: a quarter more
 * than the average, so a batch's buffer almost never grows (growing copies it). Reserving costs little:
 * pages of a large Buffer that are never written are never touched.
 */
function reserve(count: number, total: number, records: number): number {
  const perRecord = records > 0 ? total / records : 2048;
  return Math.ceil(count * (perRecord * 1.25 + 64)) + 4096;
}

export function encodeAppend(log: OpenLog, inputs: Iterable<RecordInput>, pool: BufferPool): EncodedAppend {
  const count = Array.isArray(inputs) ? inputs.length : 64;
  const pack = new PackBatch(log.knownBlocks, pool.take(reserve(count, log.encodedPackBytes, log.size)));
  const lines = new ByteBatch(pool.take(reserve(count, log.encodedLineBytes, log.size)));
  const ctx = new AppendContext(log, pack);
  const records: (AppendedRecord | Error)[] = [];
  for (const input of inputs) {
    pack.mark();
    const start = lines.pos;
    try {
      if (isWriter(input)) input.writeRecord(ctx, lines);
      else writeDraft(input, ctx, lines);
    } catch (err) {
      pack.rollback();
      lines.pos = start;
      records.push(err instanceof Error ? err : new Error(String(err)));
      continue;
    }
    // The line is hashed once, where it was written: its CID's digest, which is also its Merkle leaf
    // hash (FORMAT.md section 6).
    const digest = sha256Text(lines.buf.subarray(start, lines.pos));
    lines.writeByte(0x0a);
    log.merkle.addLeafHashText(digest);
    const cid = new CID(CODEC_DAG_JSON, digest);
    records.push({ cid, log: log.id, seq: log.size });
    log.size++;
    log.head = cid;
    ctx.seq = log.size;
    ctx.prev = cid;
  }
  log.encodedLineBytes += lines.pos;
  log.encodedPackBytes += pack.bytes.pos;
  return {
    records,
    buffers: [lines.buf, pack.bytes.buf],
    lines: lines.pos > 0 ? lines.view(0) : null,
    pack: pack.view(),
    snapshot: { size: log.size, root: log.merkle.root(), last: log.head },
  };
}
