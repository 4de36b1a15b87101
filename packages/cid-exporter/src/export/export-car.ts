/**
 * `exportCar(storeDir, file)`: one CARv1 holding a store's every record, checkpoint and payload block,
 * rooted at a dag-json manifest (./manifest.ts). Blocks are copied byte for byte from the store, so
 * their CIDs are the store's CIDs; `ipfs dag import FILE` imports and pins the manifest and everything
 * it links.
 */
import { CID, dagJsonCid } from '../cid.js';
import { encodeDagJson } from '../dag-json/index.js';
import { nowNs } from '../record.js';
import { loadPacks } from '../verify/block-source.js';
import { assertStore, listCheckpoints, listLogIds, readLogLines, readStoreFile } from '../verify/store-files.js';
import { CarFileWriter } from './car-writer.js';
import { MANIFEST_TYPE, PAGE_SIZE } from './manifest.js';

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

/** Bitswap's traditional soft block size limit; Kubo's `dag import` has refused bigger blocks. */
export const SOFT_BLOCK_LIMIT = 1024 * 1024;

interface Block {
  cid: CID;
  bytes: Uint8Array;
}

function dagJsonBlock(value: unknown): Block {
  const bytes = encodeDagJson(value);
  return { cid: dagJsonCid(bytes), bytes };
}

function pages(field: string, cids: CID[]): Block[] {
  const out: Block[] = [];
  for (let i = 0; i < cids.length; i += PAGE_SIZE) out.push(dagJsonBlock({ [field]: cids.slice(i, i + PAGE_SIZE) }));
  return out;
}

export function exportCar(storeDir: string, file: string, options: { created?: string } = {}): CarExportSummary {
  assertStore(storeDir);
  // Same read order as verify: checkpoints, then logs, then packs (blocks are synced before records).
  const checkpointFiles = listCheckpoints(storeDir);
  const logLines = listLogIds(storeDir).map((log) => readLogLines(storeDir, log));
  const packs = loadPacks(storeDir);
  const body: Block[] = [];
  const logs: unknown[] = [];
  let records = 0;
  let checkpoints = 0;
  for (const { log, lines } of logLines) {
    const recordBlocks = lines.map((bytes) => ({ cid: dagJsonCid(bytes), bytes }));
    const cps = (checkpointFiles.get(log) ?? []).map((c) => {
      const bytes = readStoreFile(storeDir, c.file);
      return { cid: dagJsonCid(bytes), bytes };
    });
    const recordPages = pages('records', recordBlocks.map((b) => b.cid));
    body.push(...recordPages, ...cps, ...recordBlocks);
    logs.push({
      log,
      size: lines.length,
      records: recordPages.map((p) => p.cid),
      checkpoints: cps.map((c) => c.cid),
      latestCheckpoint: cps.length ? cps[cps.length - 1]!.cid : null,
    });
    records += lines.length;
    checkpoints += cps.length;
  }
  const payload: Block[] = [];
  const skipped: string[] = [];
  for (const b of packs.blocks.values()) {
    if (b.problem) skipped.push(b.cid);
    else payload.push({ cid: CID.parse(b.cid), bytes: b.data });
  }
  const blockPages = pages('blocks', payload.map((b) => b.cid));
  const manifest = dagJsonBlock({ type: MANIFEST_TYPE, v: 1, created: options.created ?? nowNs(), logs, blocks: blockPages.map((p) => p.cid) });

  const writer = new CarFileWriter(file, [manifest.cid.bytes]);
  const written = new Set<string>();
  const largeBlocks: string[] = [];
  try {
    for (const b of [manifest, ...blockPages, ...body, ...payload]) {
      const key = b.cid.toString();
      if (written.has(key)) continue;
      written.add(key);
      if (b.bytes.length > SOFT_BLOCK_LIMIT) largeBlocks.push(key);
      writer.writeBlock(b.cid.bytes, b.bytes);
    }
    writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
  return {
    file,
    root: manifest.cid.toString(),
    logs: logs.length,
    records,
    checkpoints,
    payloadBlocks: payload.length,
    blocks: written.size,
    bytes: writer.size,
    skipped,
    largeBlocks,
  };
}
