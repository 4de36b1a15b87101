/**
 * `fetchExport(node, manifestCid, file)` and `verifyFromIpfs(node, manifestCid)`: fetches a published
 * store (./publish.ts) by its manifest CID, the manifest and everything it links (FORMAT.md section 11:
 * per log its checkpoints and record pages, the block pages, and the records and payload blocks the
 * pages list), into a temporary CAR rooted at the manifest, and verifies that file with `verifyCar`,
 * exactly as a CAR export is verified. Blocks are written as the node returned them: a block whose bytes
 * do not match its CID is named by the fetch (the node neither checks on get nor, for Helia's local
 * blockstore, ever did) and by the CAR verification; a block the node could not give is missing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CarFileWriter } from '../car/car-writer.js';
import type { VerifyFailure } from '../verify/failure.js';
import type { VerifyOptions, VerifyReport } from '../verify/report.js';
import { verifyCar } from '../verify/verify-car.js';
import { blockId, checkBlock } from './block-check.js';
import type { BlockId, BlockNode } from './block-node.js';
import { Bounded } from './bounded.js';

export interface FetchOptions {
  /** How long to wait for one block (ms, default 30 000): a block no peer serves, or serves with the wrong bytes, is then missing. */
  blockTimeoutMs?: number;
  /** Blocks requested at once (default 32). */
  concurrency?: number;
}

export interface FetchSummary {
  manifest: string;
  /** Blocks fetched (written to the CAR), good or not. */
  blocks: number;
  /** What went wrong fetching: blocks whose bytes do not match their CID, blocks the node did not give. */
  failures: VerifyFailure[];
}

/** Link lists of a decoded dag-json map's members (`{"/": cid}` entries only). */
function links(value: unknown, member: string): string[] {
  const list = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[member] : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((l: unknown) =>
    l !== null && typeof l === 'object' && typeof (l as { '/'?: unknown })['/'] === 'string' ? [(l as { '/': string })['/']] : [],
  );
}

function decode(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
  } catch {
    return undefined; // not JSON: nothing to follow (the CAR verification names the block)
  }
}

/** Fetches the export rooted at `manifestCid` from `node` into the CAR file `file`. */
export async function fetchExport(node: BlockNode, manifestCid: string, file: string, options: FetchOptions = {}): Promise<FetchSummary> {
  const manifest = blockId(manifestCid);
  const where = `ipfs ${manifest.text}`;
  const summary: FetchSummary = { manifest: manifest.text, blocks: 0, failures: [] };
  const writer = new CarFileWriter(file, { roots: [manifest.bytes] });
  const seen = new Set<string>();
  const timeout = options.blockTimeoutMs ?? 30_000;

  /** The block's bytes as the node returned them (written to the CAR), or undefined when it could not be fetched. */
  const fetchOne = async (cid: BlockId, what: string): Promise<Uint8Array | undefined> => {
    let bytes: Uint8Array;
    const signal = AbortSignal.timeout(timeout);
    try {
      bytes = await node.get(cid, signal);
    } catch (err) {
      // Helia reports the timeout as "Failed to load block": the signal tells
      const why = signal.aborted ? `not received within ${timeout} ms` : (err as Error).message.split('\n')[0];
      summary.failures.push({ kind: 'missing block', file: where, cid: cid.text, detail: `${what} could not be fetched from ${node.description}: ${why}` });
      return undefined;
    }
    const bad = checkBlock(cid, bytes);
    if (bad) summary.failures.push({ kind: 'modified', file: where, cid: cid.text, detail: `${what}: ${bad.replace('the node', node.description)}` });
    writer.writeBlock(cid.bytes, bytes);
    summary.blocks++;
    return bytes;
  };

  try {
    const root = await fetchOne(manifest, 'the manifest');
    if (root) {
      const m = decode(root);
      const logs = m !== null && typeof m === 'object' && Array.isArray((m as { logs?: unknown }).logs) ? ((m as { logs: unknown[] }).logs ?? []) : [];
      const pages: Array<{ cid: string; member: 'records' | 'blocks'; what: string }> = [];
      const leaves: Array<{ cid: string; what: string }> = [];
      for (const log of logs) {
        const named = (log as { log?: unknown } | null)?.log;
        const id = typeof named === 'string' ? named : '?';
        for (const c of links(log, 'checkpoints')) leaves.push({ cid: c, what: `checkpoint of log ${id}` });
        for (const p of links(log, 'records')) pages.push({ cid: p, member: 'records', what: `record of log ${id}` });
      }
      for (const p of links(m, 'blocks')) pages.push({ cid: p, member: 'blocks', what: 'payload block' });
      const pool = new Bounded(options.concurrency ?? 32);
      const want = async (cid: string, what: string, then?: (bytes: Uint8Array) => void): Promise<void> => {
        if (seen.has(cid)) return;
        seen.add(cid);
        let id: BlockId;
        try {
          id = blockId(cid);
        } catch {
          return; // a link no export holds: the CAR verification names it
        }
        await pool.add(async () => {
          const bytes = await fetchOne(id, what);
          if (bytes && then) then(bytes);
        });
      };
      seen.add(manifest.text);
      const next: Array<{ cid: string; what: string }> = [];
      for (const l of leaves) await want(l.cid, l.what);
      for (const p of pages)
        await want(p.cid, `${p.member === 'records' ? 'record' : 'block'} page`, (bytes) => {
          for (const c of links(decode(bytes), p.member)) next.push({ cid: c, what: p.what });
        });
      await pool.drain();
      for (const l of next) await want(l.cid, `${l.what} ${l.cid}`);
      await pool.drain();
    }
    writer.close();
  } catch (err) {
    writer.abort();
    throw err;
  }
  return summary;
}

/**
 * Fetches the export rooted at `manifestCid` from `node` and verifies it as a CAR (verifyCar): the
 * report's source is `ipfs <manifest CID>`; the fetch's own failures (a block with the wrong bytes, a
 * block not received) come first, naming the block.
 */
export async function verifyFromIpfs(node: BlockNode, manifestCid: string, options: FetchOptions & VerifyOptions = {}): Promise<VerifyReport> {
  const work = mkdtempSync(join(tmpdir(), 'llm-provenance-fetch-'));
  try {
    const file = join(work, 'fetched.car');
    const fetched = await fetchExport(node, manifestCid, file, options);
    const report = verifyCar(file, options);
    const source = `ipfs ${fetched.manifest}`;
    const named = new Set(fetched.failures.map((f) => f.cid));
    const relabel = <T extends { file: string; section?: number; offset?: number }>(x: T): T => {
      if (x.file !== file) return x;
      const { section: _section, offset: _offset, ...rest } = x;
      return { ...rest, file: source } as T;
    };
    const failures = [
      ...fetched.failures,
      ...report.failures.filter((f) => !(f.cid !== undefined && named.has(f.cid) && (f.kind === 'modified' || f.kind === 'missing block'))).map(relabel),
    ];
    return { ...report, source, ok: failures.length === 0, failures, notes: report.notes.map(relabel), logs: report.logs.map((l) => ({ ...l, file: source })) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
