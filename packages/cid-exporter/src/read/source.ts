/**
 * What query and export read: a store directory or a CAR export, alike. Records come log by log in
 * stored order, streamed (a store's lines, or the record blocks a CAR's manifest lists); blocks (payloads,
 * resource maps) are fetched by CID through a compact index built on first use. This is not verification:
 * a block whose bytes do not match its CID is treated as absent, and the rest is taken as stored.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { base32Encode, CODEC_DAG_JSON } from '../cid.js';
import { cidScratch, parseCidString } from './cid-text.js';
import { openCar, openPack, SectionFetcher, type SectionReader } from '../car/car-reader.js';
import { MANIFEST_TYPE } from '../car/manifest.js';
import { parseJsonStrict } from '../dag-json/parse.js';
import { DigestIndex } from './digest-index.js';
import { ChunkedFile } from './chunked-file.js';
import { forEachLogLine } from './log-lines.js';
import { digestEquals, sha256Latin1 } from './sha256.js';
import { assertStore, listLogIds, listPacks, storeReadError } from './store-files.js';
import { storePaths } from '../record.js';

/** Where a record is: a log file line, or a CAR section. */
export interface RecordPlace {
  log: string;
  file: string;
  line?: number;
  section?: number;
  /** Byte offset of the line in the log file, or of the section in the CAR. */
  offset?: number;
}

/**
 * Visits a record whose bytes are bytes[start, end): valid during the call and only until the visitor
 * fetches a block (decode the record first). Return false to stop.
 */
export type SourceRecordVisitor = (bytes: Buffer, start: number, end: number, place: RecordPlace) => boolean;

/** One record as a log stream gives it: its bytes are bytes[start, end), valid until the next pull or block fetch. */
export interface SourceRecord {
  bytes: Buffer;
  start: number;
  end: number;
  place: RecordPlace;
}

/** The records of one log, pulled one at a time in stored order (what a merge of many logs reads). */
export interface LogRecordStream {
  log: string;
  /** The next record, or undefined at the end of the log. */
  next(): SourceRecord | undefined;
  close(): void;
}

export interface ProvenanceSource {
  type: 'store' | 'car';
  path: string;
  /** Every record of every log, logs in order (store: by id; CAR: as the manifest lists them). */
  forEachRecord(visit: SourceRecordVisitor): void;
  /** One stream per log, logs in the order forEachRecord visits them; each reads its log lazily. */
  logStreams(options?: { chunkSize?: number }): LogRecordStream[];
  /** The bytes of the block with this CID (a copy), or undefined when absent or damaged. */
  block(cid: string): Buffer | undefined;
  close(): void;
}

export interface SourceOptions {
  chunkSize?: number;
}

/** Opens a store directory or a CAR file (throws naming the problem when it is neither). */
export function openSource(path: string, options: SourceOptions = {}): ProvenanceSource {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    throw new Error(`${path} does not exist (expected a store directory or a .car file)`);
  }
  return isDir ? new StoreSource(path, options) : new CarSource(path, options);
}

const PACK_OFFSET = 2 ** 40;

/** The codec and digest offset (in cidScratch) of a sha2-256 CIDv1 string, or undefined. */
function parseCid(cid: string): { codec: number; digestOffset: number } | undefined {
  const p = parseCidString(cid);
  return typeof p !== 'string' && p.version === 1 && p.hashCode === 0x12 && p.digestLength === 32
    ? { codec: p.codec, digestOffset: p.digestOffset }
    : undefined;
}

/** Block index shared by both sources: per codec, digest -> location. */
class Blocks {
  readonly raw = new DigestIndex({ locations: true, aux: true });
  readonly dagJson = new DigestIndex({ locations: true, aux: true });

  add(reader: SectionReader, location: number): void {
    const c = reader.cid;
    if (c.version !== 1 || c.hashCode !== 0x12 || c.digestLength !== 32) return;
    (c.codec === CODEC_DAG_JSON ? this.dagJson : this.raw).add(reader.file.buf, c.digestOffset, location, reader.index);
  }

  seal(): void {
    this.raw.seal();
    this.dagJson.seal();
  }

  /** Location and section index of the block, or undefined. */
  find(cid: string): { location: number; index: number } | undefined {
    const p = parseCid(cid);
    if (!p) return undefined;
    const index = p.codec === CODEC_DAG_JSON ? this.dagJson : this.raw;
    const id = index.find(cidScratch, p.digestOffset);
    return id < 0 ? undefined : { location: index.location(id), index: index.aux(id) };
  }
}

/** The block bytes in `reader` when they hash to its CID. */
function checkedBlock(reader: SectionReader): Buffer | undefined {
  const buf = reader.file.buf;
  if (!digestEquals(sha256Latin1(buf.subarray(reader.dataStart, reader.dataEnd)), buf, reader.cid.digestOffset)) return undefined;
  return Buffer.from(buf.subarray(reader.dataStart, reader.dataEnd));
}

class StoreSource implements ProvenanceSource {
  readonly type = 'store';
  private blocks: Blocks | undefined;
  private packs: Array<{ file: string; fetcher?: SectionFetcher }> = [];

  constructor(
    readonly path: string,
    private readonly options: SourceOptions,
  ) {
    assertStore(path);
  }

  forEachRecord(visit: SourceRecordVisitor): void {
    for (const log of listLogIds(this.path)) {
      let go = true;
      forEachLogLine(this.path, log, (bytes, start, end, line) => (go = visit(bytes, start, end, { log, file: `logs/${log}.jsonl`, line })), this.options);
      if (!go) return;
    }
  }

  logStreams(options: { chunkSize?: number } = {}): LogRecordStream[] {
    return listLogIds(this.path).map((log) => new LogFileStream(this.path, log, options.chunkSize ?? this.options.chunkSize));
  }

  block(cid: string): Buffer | undefined {
    if (!this.blocks) this.index();
    const at = this.blocks!.find(cid);
    if (!at) return undefined;
    const p = Math.floor(at.location / PACK_OFFSET);
    const pack = this.packs[p]!;
    pack.fetcher ??= new SectionFetcher(join(this.path, pack.file), { chunkSize: 64 * 1024 });
    return pack.fetcher.at(at.location % PACK_OFFSET, at.index) ? checkedBlock(pack.fetcher.reader) : undefined;
  }

  private index(): void {
    const blocks = new Blocks();
    this.packs = listPacks(this.path).map((p) => ({ file: p.file }));
    this.packs.forEach((pack, p) => {
      try {
        const reader = openPack(join(this.path, pack.file), this.options);
        try {
          while (reader.next()) blocks.add(reader, p * PACK_OFFSET + reader.offset);
        } finally {
          reader.file.close();
        }
      } catch (err) {
        throw storeReadError(this.path, pack.file, err);
      }
    });
    blocks.seal();
    this.blocks = blocks;
  }

  close(): void {
    for (const p of this.packs) p.fetcher?.close();
  }
}

/** A log file's complete lines, opened on the first pull (a log with only checkpoints has none). */
class LogFileStream implements LogRecordStream {
  private file: ChunkedFile | undefined;
  private done = false;
  private line = 0;
  private readonly rel: string;

  constructor(
    private readonly storeDir: string,
    readonly log: string,
    private readonly chunkSize: number | undefined,
  ) {
    this.rel = storePaths.log(log);
  }

  next(): SourceRecord | undefined {
    if (this.done) return undefined;
    try {
      if (!this.file) {
        try {
          this.file = ChunkedFile.open(join(this.storeDir, this.rel), { chunkSize: this.chunkSize });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
          this.done = true;
          return undefined;
        }
      }
      const f = this.file;
      if (!f.nextLine()) {
        this.close();
        return undefined;
      }
      this.line++;
      return { bytes: f.buf, start: f.lineStart, end: f.lineEnd, place: { log: this.log, file: this.rel, line: this.line, offset: f.base + f.lineStart } };
    } catch (err) {
      this.close();
      throw storeReadError(this.storeDir, this.rel, err);
    }
  }

  close(): void {
    this.done = true;
    this.file?.close();
    this.file = undefined;
  }
}

const isLink = (v: unknown): v is { '/': string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { '/'?: unknown })['/'] === 'string';
const links = (v: unknown): string[] => (Array.isArray(v) ? v.filter(isLink).map((l) => l['/']) : []);

class CarSource implements ProvenanceSource {
  readonly type = 'car';
  private readonly blocks = new Blocks();
  private readonly fetcher: SectionFetcher;
  private readonly root: string;

  constructor(
    readonly path: string,
    options: SourceOptions,
  ) {
    const car = openCar(path, options);
    try {
      if (!car.header) throw new Error(`${path} is not a CAR file: ${car.error!.message}; run llm-provenance verify ${path}`);
      if (car.header.roots.length !== 1) throw new Error(`${path} is not an llm-provenance export (its CAR header lists ${car.header.roots.length} roots)`);
      while (car.sections.next()) this.blocks.add(car.sections, car.sections.offset);
    } finally {
      car.file.close();
    }
    this.blocks.seal();
    const r = car.header.roots[0]!;
    this.root = 'b' + base32Encode(r);
    this.fetcher = new SectionFetcher(path, options);
  }

  private map(cid: string): Record<string, unknown> | undefined {
    const b = this.block(cid);
    if (!b) return undefined;
    try {
      const v = parseJsonStrict(b.toString('utf8'));
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }

  /** The manifest's log entries (FORMAT.md: the export manifest), checked. */
  private manifestLogs(): Array<Record<string, unknown>> {
    const manifest = this.map(this.root);
    if (!manifest || manifest.type !== MANIFEST_TYPE || !Array.isArray(manifest.logs)) {
      throw new Error(`${this.path}: the root block is not an llm-provenance export manifest; run llm-provenance verify ${this.path}`);
    }
    return manifest.logs as Array<Record<string, unknown>>;
  }

  /** The record sections of one manifest entry, page by page (one page's CIDs held at a time). */
  private *entryRecords(entry: Record<string, unknown> | undefined, log: string): Generator<SourceRecord> {
    for (const page of links(entry?.records)) {
      for (const cid of links(this.map(page)?.records)) {
        const at = this.blocks.find(cid);
        if (!at || !this.fetcher.at(at.location, at.index)) continue;
        const r = this.fetcher.reader;
        yield { bytes: r.file.buf, start: r.dataStart, end: r.dataEnd, place: { log, file: this.path, section: r.index, offset: r.offset } };
      }
    }
  }

  forEachRecord(visit: SourceRecordVisitor): void {
    for (const entry of this.manifestLogs()) {
      const log = typeof entry?.log === 'string' ? entry.log : '?';
      for (const r of this.entryRecords(entry, log)) if (!visit(r.bytes, r.start, r.end, r.place)) return;
    }
  }

  logStreams(): LogRecordStream[] {
    return this.manifestLogs().map((entry) => {
      const log = typeof entry?.log === 'string' ? entry.log : '?';
      const records = this.entryRecords(entry, log);
      const next = (): SourceRecord | undefined => {
        const r = records.next();
        return r.done ? undefined : r.value;
      };
      return { log, next, close: () => void records.return(undefined) };
    });
  }

  block(cid: string): Buffer | undefined {
    const at = this.blocks.find(cid);
    return at && this.fetcher.at(at.location, at.index) ? checkedBlock(this.fetcher.reader) : undefined;
  }

  close(): void {
    this.fetcher.close();
  }
}
