import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProvenanceStore, scanLog, verifyCheckpointBytes } from '@llm-provenance/cid-exporter';
import { mfCid, readAllBlocks, tmpStoreDir } from './store-helpers.js';
import { runExportChild as runChild } from './export-child-runner.js';

function checkLogIntact(dir: string, logId: string) {
  const buf = fs.readFileSync(path.join(dir, 'logs', `${logId}.jsonl`));
  const scan = scanLog(buf, logId);
  expect(scan.damage).toBe(null);
  expect(scan.tornTail).toBe(null);
  return scan;
}

describe('crash safety (real child processes, SIGKILL)', () => {
  it('never loses a record whose export reported success, over 20 kill -9 runs', async () => {
    const dir = tmpStoreDir('crash');
    let cuts = 0;
    let ackedTotal = 0;
    for (let i = 0; i < 20; i++) {
      const { acked, signal } = await runChild(dir, ['0', i % 2 ? '25' : '400'], 30 + i * 7);
      expect(signal).toBe('SIGKILL');
      expect(acked.length).toBeGreaterThan(0);
      const logId = acked[0]!.log;
      // Reopening recovers the killed log (cuts a torn tail, if any) and works.
      const store = ProvenanceStore.open({ dir, checkpointIntervalMs: 0 });
      const scan = checkLogIntact(dir, logId);
      for (const a of acked) {
        expect(a.log).toBe(logId);
        const line = scan.lines[a.seq];
        expect(line, `acked seq ${a.seq} of ${logId} missing`).toBeDefined();
        expect(await mfCid(0x0129, line!.bytes)).toBe(a.cid);
      }
      ackedTotal += acked.length;
      const ownLines = fs
        .readFileSync(path.join(dir, 'logs', `${store.logId}.jsonl`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      cuts += ownLines.filter((r) => r.type === 'cut').length;
      expect(ownLines.filter((r) => r.type === 'damage')).toEqual([]);
      // Recovery signs nothing: the killed log's records after its last checkpoint (written as every 50
      // records were reached) are pinned by an `unverified` record in the recovering log, over exactly its
      // intact records.
      const sizes = fs
        .readdirSync(path.join(dir, 'checkpoints'))
        .filter((f) => f.startsWith(logId) && /^\.[0-9]{12}\.json$/.test(f.slice(logId.length)))
        .map((f) => Number(f.slice(logId.length + 1, -'.json'.length)));
      const signed = Math.max(0, ...sizes);
      const unverified = ownLines.filter((r) => r.type === 'unverified');
      if (scan.lines.length > signed) {
        expect(unverified).toHaveLength(1);
        expect(unverified[0]).toMatchObject({ target: logId, from: signed, size: scan.lines.length, last: await mfCid(0x0129, scan.lines.at(-1)!.bytes) });
      } else {
        expect(unverified).toEqual([]);
      }
      if (signed > 0) {
        const cpFile = path.join(dir, 'checkpoints', `${logId}.${String(signed).padStart(12, '0')}.json`);
        expect(verifyCheckpointBytes(fs.readFileSync(cpFile)).ok).toBe(true);
      }
      await store.append([{ fields: { type: 'span', name: `after crash ${i}` }, blocks: [] }]).durable;
      await store.close();
      checkLogIntact(dir, store.logId);
    }
    // Every record's payload links resolve to blocks in the packs.
    const blocks = await readAllBlocks(dir);
    for (const f of fs.readdirSync(path.join(dir, 'logs')).filter((n) => n.endsWith('.jsonl'))) {
      for (const l of fs
        .readFileSync(path.join(dir, 'logs', f), 'utf8')
        .split('\n')
        .filter(Boolean)) {
        const r = JSON.parse(l);
        for (const k of ['input', 'output', 'params', 'block']) if (r[k]) expect(blocks.has(r[k]['/']), `${f} seq ${r.seq} ${k}`).toBe(true);
      }
    }
    console.log(`crash test: ${ackedTotal} acknowledged records over 20 kills, ${cuts} torn tails cut and recorded`);
  }, 180_000);

  it('two processes exporting into one directory at once both produce intact logs', async () => {
    const dir = tmpStoreDir('two');
    const [a, b] = await Promise.all([runChild(dir, ['15', '20']), runChild(dir, ['15', '20'])]);
    expect(a.lines.at(-1)).toBe('done');
    expect(b.lines.at(-1)).toBe('done');
    const logA = a.acked[0]!.log;
    const logB = b.acked[0]!.log;
    expect(logA).not.toBe(logB);
    // A log that saw the other when it opened starts with a witness record (FORMAT.md 3.6); the log that
    // opened second always sees the first (each creates its files before it looks).
    const witnesses: string[] = [];
    for (const [logId, run] of [
      [logA, a],
      [logB, b],
    ] as const) {
      const scan = checkLogIntact(dir, logId);
      const w = JSON.parse(scan.lines[0]!.bytes.toString()).type === 'witness' ? 1 : 0;
      if (w) witnesses.push(logId);
      expect(scan.lines.length).toBe(300 + w);
      expect(run.acked.map((x) => x.seq)).toEqual([...Array(300).keys()].map((i) => i + w));
      for (const x of run.acked) expect(await mfCid(0x0129, scan.lines[x.seq]!.bytes)).toBe(x.cid);
      expect(fs.existsSync(path.join(dir, 'logs', `${logId}.lock`))).toBe(false);
      const final = fs.readFileSync(path.join(dir, 'checkpoints', `${logId}.${String(300 + w).padStart(12, '0')}.json`));
      expect(verifyCheckpointBytes(final).ok).toBe(true);
    }
    expect(witnesses.length).toBeGreaterThan(0);
    const blocks = await readAllBlocks(dir);
    // Shared system prompt: once per pack (two packs), so two copies at most of one CID in one map.
    expect(blocks.size).toBeGreaterThan(600);
  }, 120_000);
});
