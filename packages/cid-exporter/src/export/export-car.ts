/**
 * `exportCar(storeDir, file)`: one CARv1 holding a store's every record and checkpoint and the payload
 * blocks its records reach, rooted at a dag-json manifest (../car/manifest.ts). Blocks are copied byte
 * for byte from the store, so their CIDs are the store's CIDs; `ipfs dag import FILE` imports and pins
 * the manifest and everything it links.
 *
 * Streaming: the packs are read once to hash every section into a block table (../verify/store-packs.ts,
 * as verify reads them); then, in the order the file is laid out, per log its checkpoints, then its
 * records with a page after every PAGE_SIZE of them, each record's links marking the blocks it reaches
 * (through the dag-json blocks it links, each followed once); then the packs again, writing each reached
 * block once, with a page after every PAGE_SIZE; then the manifest, whose CID goes into the header last.
 * A block no record reaches (appended to a pack after the fact, or packed by a writer that had not yet
 * written the record linking it) is not exported. Memory: a page of CIDs and the block table (about 33
 * bytes per block, 45 per dag-json block, ../read/digest-index.ts), plus the dag-json blocks reached and
 * not yet followed.
 */
import { join } from 'node:path';
import { base32Encode, type CID, CODEC_DAG_JSON, dagJsonCid } from '../cid.js';
import { openPack, SectionFetcher } from '../car/car-reader.js';
import { CarFileWriter } from '../car/car-writer.js';
import { MANIFEST_TYPE, PAGE_SIZE } from '../car/manifest.js';
import { encodeDagJson } from '../dag-json/index.js';
import { DagJsonScan, ValueKind } from '../dag-json/validate.js';
import { nowNs } from '../record.js';
import type { EntryId } from '../read/digest-index.js';
import { forEachLogLine } from '../read/log-lines.js';
import { sha256Latin1, writeLatin1 } from '../read/sha256.js';
import { assertStore, listCheckpoints, listLogIds, readStoreFile, storeReadError } from '../read/store-files.js';
import { BlockTable, LazyLinkPaths } from '../verify/block-table.js';
import { linkScratch, parseLinkString } from '../verify/links.js';
import { catchUpPack, hashPacks, PACK_LOCATION, type PackState } from '../verify/store-packs.js';

export interface CarExportSummary {
  file: string;
  /** Root CID: the manifest. */
  root: string;
  logs: number;
  records: number;
  checkpoints: number;
  payloadBlocks: number;
  /** Blocks written in total (manifest and pages included). */
  blocks: number;
  bytes: number;
  /** Damaged pack blocks that were left out (verify the store to see them). */
  skipped: string[];
  /** Good pack blocks left out because no record reaches them (verify the store to see them). */
  unreached: number;
  /** Blocks over 1 MiB, which IPFS nodes may refuse to import or exchange (bitswap's soft limit). */
  largeBlocks: string[];
}

export interface CarExportOptions {
  /** The manifest's `created` time (unix ns, decimal string); default now. */
  created?: string;
  /** Size of the read window in bytes (default 1 MiB). */
  chunkSize?: number;
}

/** Bitswap's traditional soft block size limit; Kubo's `dag import` has refused bigger blocks. */
export const SOFT_BLOCK_LIMIT = 1024 * 1024;

/** Binary CID prefix of a dag-json sha2-256 CIDv1: the 5 bytes before the digest. */
const DAG_JSON_PREFIX = Uint8Array.from([0x01, 0xa9, 0x02, 0x12, 0x20]);

/**
 * Builds page blocks `{"<field>":[{"/":"<cid>"},...]}` (their canonical DAG-JSON: one key, a list of
 * links) in one reused buffer, a CID at a time: nothing per entry outlives its line of code.
 */
class PageBuilder {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private at = 0;
  count = 0;

  constructor(private readonly field: string) {}

  add(cid: string): void {
    if (this.count === 0) this.at = this.buf.write(`{"${this.field}":[`, 0, 'latin1');
    const need = this.at + cid.length + 10;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.at);
      this.buf = bigger;
    }
    this.at += this.buf.write(this.count === 0 ? '{"/":"' : ',{"/":"', this.at, 'latin1');
    this.at += this.buf.write(cid, this.at, 'latin1');
    this.buf[this.at++] = 0x22; // "
    this.buf[this.at++] = 0x7d; // }
    this.count++;
  }

  /** The page's bytes (valid until the next add) and a fresh start. */
  take(): Buffer {
    this.at += this.buf.write(']}', this.at, 'latin1');
    this.count = 0;
    return this.buf.subarray(0, this.at);
  }
}

export function exportCar(storeDir: string, file: string, options: CarExportOptions = {}): CarExportSummary {
  assertStore(storeDir);
  const read = { chunkSize: options.chunkSize };
  // Read order as verify's: checkpoints are listed before the logs are read, the packs are read before
  // the logs, and a record linking a block its (live) writer appended since makes the export read that
  // pack's new sections (a writer syncs a record's blocks before the record).
  const checkpointFiles = listCheckpoints(storeDir);
  const logIds = listLogIds(storeDir);
  // locations of dag-json blocks, to follow their links; raw blocks need only their mark
  const blocks = new BlockTable({ marks: true, locations: true, aux: true }, { marks: true });
  const packs = hashPacks(storeDir, blocks, read);
  blocks.seal();
  const packOf = new Map<string, PackState>(packs.map((p) => [p.log, p]));
  const reach = new Reach(storeDir, packs, blocks);
  const writer = new CarFileWriter(file, { rootLength: DAG_JSON_PREFIX.length + 32 });
  const summary: CarExportSummary = {
    file,
    root: '',
    logs: logIds.length,
    records: 0,
    checkpoints: 0,
    payloadBlocks: 0,
    blocks: 0,
    bytes: 0,
    skipped: [],
    unreached: 0,
    largeBlocks: [],
  };
  const recordCid = new Uint8Array(DAG_JSON_PREFIX.length + 32);
  recordCid.set(DAG_JSON_PREFIX);
  const recordCidView = Buffer.from(recordCid.buffer);
  const block = (cid: Uint8Array, bytes: Uint8Array, name: () => string): void => {
    writer.writeBlock(cid, bytes);
    summary.blocks++;
    if (bytes.length > SOFT_BLOCK_LIMIT) summary.largeBlocks.push(name());
  };
  const dagJsonBlock = (bytes: Buffer): CID => {
    const cid = dagJsonCid(bytes);
    block(cid.bytes, bytes, () => cid.toString());
    return cid;
  };
  try {
    const logs: unknown[] = [];
    for (const log of logIds) {
      const checkpoints: CID[] = [];
      for (const c of checkpointFiles.get(log) ?? []) {
        const bytes = readStoreFile(storeDir, c.file);
        const cid = dagJsonCid(bytes);
        block(cid.bytes, bytes, () => cid.toString());
        checkpoints.push(cid);
      }
      const pages: CID[] = [];
      const page = new PageBuilder('records');
      const pack = packOf.get(log);
      blocks.catchUp = pack ? () => catchUpPack(storeDir, pack, blocks, read, false) : undefined;
      const lines = forEachLogLine(
        storeDir,
        log,
        (bytes, start, end) => {
          const line = bytes.subarray(start, end);
          writeLatin1(recordCidView, sha256Latin1(line), DAG_JSON_PREFIX.length);
          const cid = 'b' + base32Encode(recordCid);
          block(recordCid, line, () => cid);
          page.add(cid);
          if (page.count === PAGE_SIZE) pages.push(dagJsonBlock(page.take()));
          reach.record(bytes, start, end);
          return true;
        },
        read,
      );
      blocks.catchUp = undefined;
      if (page.count > 0) pages.push(dagJsonBlock(page.take()));
      logs.push({ log, size: lines.lines, records: pages, checkpoints, latestCheckpoint: checkpoints.length ? checkpoints[checkpoints.length - 1]! : null });
      summary.records += lines.lines;
      summary.checkpoints += checkpoints.length;
    }
    reach.close();
    const blockPages = exportPayloads(storeDir, read, packs, blocks, summary, writer, dagJsonBlock);
    const manifest = encodeDagJson({ type: MANIFEST_TYPE, v: 1, created: options.created ?? nowNs(), logs, blocks: blockPages });
    const root = dagJsonCid(manifest);
    block(root.bytes, manifest, () => root.toString());
    summary.root = root.toString();
    writer.close(root.bytes);
  } catch (err) {
    writer.abort();
    throw err;
  }
  summary.bytes = writer.size;
  return summary;
}

/**
 * Marks the blocks records reach: each link of a record (its `prev` names a record, not a block), and,
 * the first time a dag-json block is reached, each link of that block, fetched from its pack. Links are
 * resolved and marked by the block table as verify resolves them (../verify/block-table.ts); a record or
 * block that is not canonical DAG-JSON has no links followed (verify fails it).
 */
class Reach {
  private readonly recordScan = new DagJsonScan(['prev']);
  private readonly blockScan = new DagJsonScan();
  private readonly paths = new LazyLinkPaths(new Uint8Array(0), 0, 0);
  private readonly fetchers: Array<SectionFetcher | undefined> = [];
  private readonly todo: EntryId[] = [];

  constructor(
    private readonly storeDir: string,
    private readonly packs: readonly PackState[],
    private readonly blocks: BlockTable,
  ) {}

  record(bytes: Uint8Array, start: number, end: number): void {
    const scan = this.recordScan;
    if (!scan.scan(bytes, start, end)) return;
    const p = scan.rootIsMap ? scan.wanted[0]! : -1;
    const prev = p >= 0 && scan.valueKind[p] === ValueKind.Link ? scan.valueLink[p]! : -1;
    this.links(scan, bytes, start, end, prev);
    this.follow();
  }

  /** Resolves (marks) every link of the document `scan` just validated but `skip`. */
  private links(scan: DagJsonScan, bytes: Uint8Array, start: number, end: number, skip = -1): void {
    const paths = this.paths.reset(bytes, start, end);
    for (let k = 0; k < scan.linkCount; k++) {
      if (k === skip) continue;
      // a link to nothing (or to a damaged block) is verify's to report: nothing to export
      this.blocks.resolveLink(scan, k, bytes, paths);
      if (this.blocks.lastReached >= 0 && this.blocks.lastReachedCodec === CODEC_DAG_JSON) this.todo.push(this.blocks.lastReached);
    }
  }

  /** The links of every dag-json block reached for the first time, and theirs. */
  private follow(): void {
    const index = this.blocks.dagJson;
    while (this.todo.length > 0) {
      const id = this.todo.pop()!;
      const location = index.location(id);
      const p = Math.floor(location / PACK_LOCATION);
      const state = this.packs[p]!;
      let fetcher = this.fetchers[p];
      if (!fetcher) {
        try {
          fetcher = this.fetchers[p] = new SectionFetcher(join(this.storeDir, state.file), { chunkSize: 64 * 1024 });
        } catch (err) {
          throw storeReadError(this.storeDir, state.file, err);
        }
      }
      if (!fetcher.at(location % PACK_LOCATION, index.aux(id))) continue;
      const r = fetcher.reader;
      if (this.blockScan.scan(r.file.buf, r.dataStart, r.dataEnd)) this.links(this.blockScan, r.file.buf, r.dataStart, r.dataEnd);
    }
  }

  close(): void {
    for (const f of this.fetchers) f?.close();
  }
}

/**
 * The payload blocks records reach, from the packs in order, each CID once (at the copy the table found
 * first), a page after every PAGE_SIZE. Sections are copied as they are (a pack's sections are CAR
 * sections); damaged copies (found by the hashing pass) are left out.
 */
function exportPayloads(
  storeDir: string,
  read: { chunkSize?: number },
  packs: readonly PackState[],
  blocks: BlockTable,
  summary: CarExportSummary,
  writer: CarFileWriter,
  dagJsonBlock: (bytes: Buffer) => CID,
): CID[] {
  const pages: CID[] = [];
  const page = new PageBuilder('blocks');
  for (const state of packs) {
    const reader = openPack(join(storeDir, state.file), read);
    const f = reader.file;
    try {
      while (reader.next() && reader.next_ <= state.end) {
        if (state.damaged.has(reader.offset)) continue;
        const index = blocks.indexFor(reader.cid.codec);
        const id = index.find(f.buf, reader.cid.digestOffset);
        if (id < 0) continue;
        // the mark is cleared as the block is written, so a later copy finds it clear; a block never
        // marked is one no record reaches
        if (!index.unmark(id)) continue;
        writer.writeSections(f.buf, reader.offset - f.base, reader.dataEnd);
        summary.blocks++;
        const cid = 'b' + base32Encode(f.buf.subarray(reader.cidStart, reader.dataStart));
        if (reader.dataEnd - reader.dataStart > SOFT_BLOCK_LIMIT) summary.largeBlocks.push(cid);
        summary.payloadBlocks++;
        page.add(cid);
        if (page.count === PAGE_SIZE) pages.push(dagJsonBlock(page.take()));
      }
    } catch (err) {
      throw storeReadError(storeDir, state.file, err);
    } finally {
      f.close();
    }
  }
  if (page.count > 0) pages.push(dagJsonBlock(page.take()));
  summary.unreached = blocks.blocks - summary.payloadBlocks;
  // a damaged copy is left out; the block is skipped only when no pack holds a good copy
  for (const { cid } of blocks.damagedInOrder) {
    const parts = parseLinkString(cid);
    if (typeof parts === 'string' || blocks.indexFor(parts.codec).find(linkScratch, parts.digestOffset) < 0) summary.skipped.push(cid);
  }
  return pages;
}
