/**
 * Encodes one append: chains each record to the log (`log`, `seq`, `prev`), writes its line into one
 * buffer and the blocks it links into one pack buffer, hashes the line once for its CID and adds that
 * digest to the log's Merkle accumulator as the record's leaf hash (FORMAT.md sections 3, 5.1 and 6). Synchronous; no I/O.
 */
import { CID, CODEC_DAG_JSON, cidLength, cidTextAt, writeCid } from '../cid.js';
import { sha256Text } from '../sha256.js';
import { encodeDagJsonString, quoteString } from '../dag-json/encode.js';
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
  readonly logText: string;
  prevText: string;
  prev: CID | null;
  seq: number;

  constructor(
    log: OpenLog,
    readonly pack: PackBatch,
  ) {
    this.logText = quoteString(log.id);
    this.prev = log.head;
    this.prevText = linkText(log.head);
    this.seq = log.size;
  }

  putText(codec: number, text: string): CID {
    return this.pack.putText(codec, text);
  }

  put(block: BlockInput): CID {
    return this.pack.put(block);
  }
}

const RECORD_CID_LENGTH = cidLength(CODEC_DAG_JSON);
/** Where a record's binary CID is made, to read its string form from. */
const cidBytes = new Uint8Array(RECORD_CID_LENGTH);

function linkText(cid: CID | null): string {
  return cid === null ? 'null' : '{"/":"' + cid.toString() + '"}';
}

function isWriter(input: RecordInput): input is RecordWriter {
  return typeof (input as RecordWriter).writeRecord === 'function';
}

/** A field-map record: the store's keys set in place (the store owns the draft), then encoded. */
function draftText(draft: RecordDraft, ctx: AppendContext, logId: string): string {
  const value = draft.fields;
  value['log'] = logId;
  value['prev'] = ctx.prev;
  value['seq'] = ctx.seq;
  value['v'] = FORMAT_VERSION;
  const text = encodeDagJsonString(value);
  for (const block of draft.blocks) ctx.put(block);
  return text;
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
    let text: string;
    try {
      text = isWriter(input) ? input.writeRecord(ctx) : draftText(input, ctx, log.id);
    } catch (err) {
      pack.rollback();
      records.push(err instanceof Error ? err : new Error(String(err)));
      continue;
    }
    lines.writeUtf8(text);
    lines.writeByte(0x0a);
    // The line is hashed once, as the string it is (the same UTF-8 bytes as written): its CID's digest,
    // which is also its Merkle leaf hash (FORMAT.md section 6).
    const digest = sha256Text(text);
    log.merkle.addLeafHashText(digest);
    writeCid(cidBytes, 0, CODEC_DAG_JSON, digest);
    const cid = new CID(CODEC_DAG_JSON, digest, cidTextAt(cidBytes, 0, RECORD_CID_LENGTH));
    records.push({ cid, log: log.id, seq: log.size });
    log.size++;
    log.head = cid;
    ctx.seq = log.size;
    ctx.prev = cid;
    ctx.prevText = linkText(cid);
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
