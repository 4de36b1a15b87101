/**
 * `exportCar(storeDir, file)`: one CARv1 holding a store's every record, checkpoint and payload block,
 * rooted at a dag-json manifest (../car/manifest.ts). Blocks are copied byte for byte from the store, so
 * their CIDs are the store's CIDs; `ipfs dag import FILE` imports and pins the manifest and everything
 * it links.
 *
 * Streaming, in the order the file is laid out: per log its checkpoints, then its records with a page
 * after every PAGE_SIZE of them; then the payload blocks (each once, from whichever pack holds a good
 * copy) with a page after every PAGE_SIZE; then the manifest, whose CID goes into the header last.
 * Memory: a page of CIDs and the index of blocks written (about 13 bytes per block, ../read/digest-index.ts).
 */
import { join } from 'node:path';
import { base32Encode, type CID, CODEC_DAG_JSON, dagJsonCid } from '../cid.js';
import { openPack } from '../car/car-reader.js';
import { CarFileWriter } from '../car/car-writer.js';
import { MANIFEST_TYPE, PAGE_SIZE } from '../car/manifest.js';
import { encodeDagJson } from '../dag-json/index.js';
import { nowNs } from '../record.js';
import { DigestIndex } from '../read/digest-index.js';
import { forEachLogLine } from '../read/log-lines.js';
import { digestEquals, sha256Latin1, writeLatin1 } from '../read/sha256.js';
import { assertStore, listCheckpoints, listLogIds, listPacks, readStoreFile, storeReadError } from '../read/store-files.js';

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
  // Read order as verify's: checkpoints are listed before the logs are read, and the packs are read after
  // the logs (a writer syncs a record's blocks before the record), so every exported record's blocks are there.
  const checkpointFiles = listCheckpoints(storeDir);
  const logIds = listLogIds(storeDir);
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
          return true;
        },
        read,
      );
      if (page.count > 0) pages.push(dagJsonBlock(page.take()));
      logs.push({ log, size: lines.lines, records: pages, checkpoints, latestCheckpoint: checkpoints.length ? checkpoints[checkpoints.length - 1]! : null });
      summary.records += lines.lines;
      summary.checkpoints += checkpoints.length;
    }
    const blockPages = exportPayloads(storeDir, read, summary, writer, block, dagJsonBlock);
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
 * The payload blocks of every pack, each CID once, a page after every PAGE_SIZE. One pass writes every
 * good section as it is hashed (a pack's sections are CAR sections, copied as they are) and keeps its
 * CID in an index. A block is written at most once per pack (FORMAT.md 5.1), so duplicates come only
 * from several packs (or damage): when the sealed index finds any, the payload part is written again,
 * each block at its first good copy.
 */
function exportPayloads(
  storeDir: string,
  read: { chunkSize?: number },
  summary: CarExportSummary,
  writer: CarFileWriter,
  block: (cid: Uint8Array, bytes: Uint8Array, name: () => string) => void,
  dagJsonBlock: (bytes: Buffer) => CID,
): CID[] {
  const packs = listPacks(storeDir);
  const raw = new DigestIndex({ marks: true });
  const dagJson = new DigestIndex({ marks: true });
  const damaged = packs.map(() => new Set<number>());
  const damagedCids: Array<{ cid: string; codec: number; digest: Uint8Array | undefined }> = [];
  const ends: number[] = [];
  const restart = { size: writer.size, blocks: summary.blocks, large: summary.largeBlocks.length };
  let pages: CID[] = [];
  const page = new PageBuilder('blocks');
  const pageEntry = (cid: string): void => {
    summary.payloadBlocks++;
    page.add(cid);
    if (page.count === PAGE_SIZE) pages.push(dagJsonBlock(page.take()));
  };
  packs.forEach((p, i) => {
    const reader = openPack(join(storeDir, p.file), read);
    const f = reader.file;
    try {
      while (reader.next()) {
        const c = reader.cid;
        const ok = c.version === 1 && c.hashCode === 0x12 && c.digestLength === 32 && (c.codec === CODEC_DAG_JSON || c.codec === 0x55);
        if (ok && digestEquals(sha256Latin1(f.buf.subarray(reader.dataStart, reader.dataEnd)), f.buf, c.digestOffset)) {
          (c.codec === CODEC_DAG_JSON ? dagJson : raw).add(f.buf, c.digestOffset);
          writer.writeSections(f.buf, reader.offset - f.base, reader.dataEnd);
          summary.blocks++;
          const cid = 'b' + base32Encode(f.buf.subarray(reader.cidStart, reader.dataStart));
          if (reader.dataEnd - reader.dataStart > SOFT_BLOCK_LIMIT) summary.largeBlocks.push(cid);
          pageEntry(cid);
        } else {
          damaged[i]!.add(reader.offset);
          const digest = c.digestLength === 32 ? Uint8Array.from(f.buf.subarray(c.digestOffset, c.digestOffset + 32)) : undefined;
          damagedCids.push({ cid: 'b' + base32Encode(f.buf.subarray(reader.cidStart, reader.dataStart)), codec: c.codec, digest });
        }
      }
      // a torn final section (a live writer's) is not exported
      ends.push(reader.next_);
    } catch (err) {
      throw storeReadError(storeDir, p.file, err);
    } finally {
      f.close();
    }
  });
  // a damaged copy is left out; the block is skipped only when no pack holds a good copy
  if (raw.seal() + dagJson.seal() === 0) {
    for (const d of damagedCids) summary.skipped.push(d.cid);
    if (page.count > 0) pages.push(dagJsonBlock(page.take()));
    return pages;
  }
  for (const d of damagedCids) {
    const index = d.codec === CODEC_DAG_JSON ? dagJson : d.codec === 0x55 ? raw : undefined;
    if (!index || !d.digest || index.find(d.digest, 0) < 0) summary.skipped.push(d.cid);
  }
  // duplicates: the payloads again, each CID once
  writer.truncate(restart.size);
  summary.blocks = restart.blocks;
  summary.largeBlocks.length = restart.large;
  summary.payloadBlocks = 0;
  pages = [];
  page.take();
  packs.forEach((p, i) => {
    const reader = openPack(join(storeDir, p.file), read);
    const f = reader.file;
    try {
      while (reader.next() && reader.next_ <= ends[i]!) {
        if (damaged[i]!.has(reader.offset)) continue;
        const c = reader.cid;
        const index = c.codec === CODEC_DAG_JSON ? dagJson : raw;
        const id = index.find(f.buf, c.digestOffset);
        if (id === -1 || index.mark(id)) continue;
        const cidBytes = f.buf.subarray(reader.cidStart, reader.dataStart);
        const cid = 'b' + base32Encode(cidBytes);
        block(cidBytes, f.buf.subarray(reader.dataStart, reader.dataEnd), () => cid);
        pageEntry(cid);
      }
    } catch (err) {
      throw storeReadError(storeDir, p.file, err);
    } finally {
      f.close();
    }
  });
  if (page.count > 0) pages.push(dagJsonBlock(page.take()));
  return pages;
}
