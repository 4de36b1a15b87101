/**
 * Store-level witnessing (FORMAT.md sections 3.6 and 6.2): a new log's first record and each checkpoint
 * name the other logs the writer saw, so verify names a whole log that was deleted, cut short or
 * rewritten after another log saw it. Logs are written by real child processes (the built CJS package,
 * ./fixtures/export-child.cjs) one after another and at once, and by ProvenanceStore in this process.
 */
import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import {
  dagJsonCid,
  encodeCheckpoint,
  exportCar,
  formatFailure,
  loadOrCreateKey,
  MerkleAccumulator,
  ProvenanceStore,
  signStatement,
  verifyCar,
  verifyCheckpointBytes,
  verifyStore,
  type RecordDraft,
  type VerifyFailure,
} from '@llm-provenance/cid-exporter';
import { SpecLogWriter } from './verify-fixture-writer.mjs';
import { checkpointName, lines, runCli, writeLines } from './verify-fixture.js';
import { tmpStoreDir } from './store-helpers.js';

const CHILD = path.join(__dirname, 'fixtures', 'export-child.cjs');

/** Runs ./fixtures/export-child.cjs to its end: `batches` exports of `perBatch` spans; resolves with its log id. */
function exportInChild(dir: string, batches: number, perBatch: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, dir, String(batches), String(perBatch)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const started = /^started (\S+)$/m.exec(out);
      if (code !== 0 || !started || !out.endsWith('done\n')) reject(new Error(`export child exited ${code}: ${err}`));
      else resolve(started[1]!);
    });
  });
}

/** Removes a log whole: its file, pack, checkpoints and any lock or recovery marker. */
function deleteLog(dir: string, logId: string): void {
  for (const sub of ['logs', 'blocks', 'checkpoints']) {
    for (const f of fs.readdirSync(path.join(dir, sub))) if (f.startsWith(`${logId}.`)) fs.rmSync(path.join(dir, sub, f));
  }
}

const cidOfLine = (dir: string, logId: string, i: number): string => dagJsonCid(lines(dir, logId)[i]!).toString();
const record = (dir: string, logId: string, i: number): Record<string, unknown> => JSON.parse(lines(dir, logId)[i]!.toString()) as Record<string, unknown>;
/** Entries are sorted by log id; ids started in the same second sort by pid and random suffix. */
const byLog = (x: { log: string }, y: { log: string }): number => (x.log < y.log ? -1 : 1);
const draft = (name: string): RecordDraft => ({ fields: { type: 'span', name, input: null }, blocks: [] });

async function writeLog(dir: string, records: number, checkpointEvery = 5): Promise<string> {
  const store = ProvenanceStore.open({ dir, checkpointEvery, checkpointIntervalMs: 0 });
  for (let i = 0; i < records; i++) await store.append([draft(`r${i}`)]).durable;
  await store.close();
  return store.logId;
}

describe('store-level witnessing', () => {
  it('a whole log deleted with its pack and checkpoints fails verify, naming the log and the log that saw it (processes one after another)', async () => {
    const dir = tmpStoreDir('witness-deleted');
    const ids: string[] = [];
    for (let k = 0; k < 3; k++) ids.push(await exportInChild(dir, 2, 10));
    const [first, second, third] = ids as [string, string, string];
    // The first log saw no other; each later one starts with a witness record naming every log before it
    // at its final checkpoint (20 spans; a witness record and 20 spans).
    expect(record(dir, first, 0).type).toBe('span');
    expect(record(dir, third, 0)).toEqual({
      v: 2,
      type: 'witness',
      log: third,
      seq: 0,
      prev: null,
      time: record(dir, third, 0).time,
      logs: [
        { last: cidOfLine(dir, first, 19), log: first, size: 20 },
        { last: cidOfLine(dir, second, 20), log: second, size: 21 },
      ].sort(byLog),
    });
    const intact = verifyStore(dir);
    expect([intact.failures, intact.notes]).toEqual([[], []]);

    const secondHead = cidOfLine(dir, second, 20);
    deleteLog(dir, second);
    const failure: VerifyFailure = {
      kind: 'deleted',
      file: `logs/${second}.jsonl`,
      log: second,
      detail: `log ${second} is missing (no log file, no checkpoint) but log ${third}'s witness record (logs/${third}.jsonl:1, seq 0, cid ${cidOfLine(dir, third, 0)}) saw it with 21 records, last ${secondHead}: the whole log was deleted`,
    };
    expect(verifyStore(dir).failures).toEqual([failure]);
    const cli = runCli(['verify', dir]);
    expect(cli.code).toBe(1);
    expect(cli.stdout.split('\n')[0]).toBe(`FAIL ${formatFailure(failure)}`);
    // A CAR export of what is left carries the witness record: verifying it names the log too.
    const car = path.join(path.dirname(dir), 'left.car');
    exportCar(dir, car);
    const fromCar = verifyCar(car).failures;
    expect(fromCar).toHaveLength(1);
    expect({ ...fromCar[0], detail: fromCar[0]!.detail.replace(/ section \d+,/, ',') }).toEqual({
      ...failure,
      file: car,
      detail: failure.detail.replace('(no log file, no checkpoint)', '(not in the export)').replace(`(logs/${third}.jsonl:1,`, `(${car},`),
    });
    expect(fromCar[0]!.detail).toMatch(new RegExp(`witness record \\(${car} section \\d+, seq 0, cid `));
  }, 60_000);

  it('a log cut short (its last records and the checkpoints over them removed) fails verify at the witnessed size', async () => {
    const dir = tmpStoreDir('witness-truncated');
    // checkpoints at 5 and 10, sealed at 12
    const a = await writeLog(dir, 12);
    const b = await writeLog(dir, 1);
    expect(verifyStore(dir).failures).toEqual([]);
    const last = cidOfLine(dir, a, 11);
    writeLines(dir, a, lines(dir, a).slice(0, 10));
    fs.rmSync(path.join(dir, checkpointName(a, 12)));
    expect(verifyStore(dir).failures).toEqual([
      {
        kind: 'deleted',
        file: `logs/${a}.jsonl`,
        line: 11,
        log: a,
        seq: 10,
        detail: `log ${a} has 10 records but log ${b}'s witness record (logs/${b}.jsonl:1, seq 0, cid ${cidOfLine(dir, b, 0)}) saw it with 12 records, last ${last}: records were removed from its end`,
      },
    ]);
  });

  it('a log rewritten and re-signed with the store key fails verify at the record its witness saw', async () => {
    const dir = tmpStoreDir('witness-rewritten');
    const a = await writeLog(dir, 12);
    const b = await writeLog(dir, 1);
    const seen = cidOfLine(dir, a, 11);
    // whoever holds the key file can rewrite the last record and sign the log again
    const ls = lines(dir, a);
    ls[11] = Buffer.from(ls[11]!.toString().replace('"name":"r11"', '"name":"forged"'));
    writeLines(dir, a, ls);
    const tree = new MerkleAccumulator();
    for (const l of ls) tree.addCid(dagJsonCid(l));
    const file = path.join(dir, checkpointName(a, 12));
    const { statement } = verifyCheckpointBytes(fs.readFileSync(file)).checkpoint!;
    const resigned = { ...statement, root: Buffer.from(tree.root()).toString('hex'), last: dagJsonCid(ls[11]!) };
    fs.writeFileSync(file, encodeCheckpoint(signStatement(resigned, loadOrCreateKey(dir))));
    expect(verifyStore(dir).failures).toEqual([
      {
        kind: 'modified',
        file: `logs/${a}.jsonl`,
        line: 12,
        log: a,
        seq: 11,
        cid: dagJsonCid(ls[11]!).toString(),
        detail: `record 11 of log ${a} is not the one log ${b}'s witness record (logs/${b}.jsonl:1, seq 0, cid ${cidOfLine(dir, b, 0)}) saw there (${seen}): the log was rewritten`,
      },
    ]);
    // the same from a CAR export of the store
    const car = path.join(path.dirname(dir), 'rewritten.car');
    exportCar(dir, car);
    const fromCar = verifyCar(car).failures;
    expect(fromCar.map((f) => [f.kind, f.log, f.seq, f.cid])).toEqual([['modified', a, 11, dagJsonCid(ls[11]!).toString()]]);
    expect(fromCar[0]!.detail).toMatch(
      new RegExp(
        `^record 11 of log ${a} is not the one log ${b}'s witness record \\(${car} section \\d+, seq 0, cid \\S+\\) saw there \\(${seen}\\): the log was rewritten$`,
      ),
    );
  });

  it("a log that opened and closed while another was writing is named by the other's final checkpoint", async () => {
    const dir = tmpStoreDir('witness-checkpoint');
    const long = ProvenanceStore.open({ dir, checkpointEvery: 0, checkpointIntervalMs: 0 });
    await long.append([draft('a0'), draft('a1')]).durable;
    const short = await writeLog(dir, 2, 0);
    await long.append([draft('a2')]).durable;
    await long.close();
    // the short log saw the long one before any checkpoint of it; the long one's seal saw the short one closed
    expect(record(dir, short, 0).logs).toEqual([{ last: null, log: long.logId, size: 0 }]);
    const seal = verifyCheckpointBytes(fs.readFileSync(path.join(dir, checkpointName(long.logId, 3)))).checkpoint!.statement;
    expect(seal.witness).toEqual([{ last: cidOfLine(dir, short, 2), log: short, size: 3 }]);
    expect(verifyStore(dir).failures).toEqual([]);
    deleteLog(dir, short);
    expect(verifyStore(dir).failures).toEqual([
      {
        kind: 'deleted',
        file: `logs/${short}.jsonl`,
        log: short,
        detail: `log ${short} is missing (no log file, no checkpoint) but log ${long.logId}'s checkpoint at size 3 (${checkpointName(long.logId, 3)}) saw it with 3 records, last ${seal.witness![0]!.last}: the whole log was deleted`,
      },
    ]);
  });

  it('logs written at once by two processes verify clean; deleting the one the other saw is named', async () => {
    const dir = tmpStoreDir('witness-concurrent');
    const ids = await Promise.all([exportInChild(dir, 15, 20), exportInChild(dir, 15, 20)]);
    const report = verifyStore(dir);
    expect([report.failures, report.notes]).toEqual([[], []]);
    // The log that opened second saw the first (each creates its files before it looks).
    const witnessing = ids.filter((id) => record(dir, id, 0).type === 'witness');
    expect(witnessing.length).toBeGreaterThan(0);
    const seer = witnessing[0]!;
    const seen = ids.find((id) => id !== seer)!;
    expect((record(dir, seer, 0).logs as Array<{ log: string }>).map((e) => e.log)).toEqual([seen]);
    deleteLog(dir, seen);
    const failures = verifyStore(dir).failures;
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ kind: 'deleted', file: `logs/${seen}.jsonl`, log: seen });
    expect(failures[0]!.detail).toMatch(
      new RegExp(
        `^log ${seen} is missing \\(no log file, no checkpoint\\) but log ${seer}'s (witness record|checkpoint at size \\d+) \\(.+\\) saw it .+: the whole log was deleted$`,
      ),
    );
  }, 60_000);

  it('the newest log, which no log saw, is not caught by witnessing but by a store head recorded earlier (API and CLI)', async () => {
    const dir = tmpStoreDir('witness-head');
    const a = await writeLog(dir, 3);
    const b = await writeLog(dir, 2);
    const report = runCli(['verify', dir, '--json']);
    expect(report.code).toBe(0);
    const headFile = path.join(path.dirname(dir), 'head.json');
    fs.writeFileSync(headFile, report.stdout);
    const head = verifyStore(dir).storeHead;
    expect(head.logs).toEqual(
      [
        { last: cidOfLine(dir, a, 2), log: a, size: 3 },
        { last: cidOfLine(dir, b, 2), log: b, size: 3 },
      ].sort(byLog),
    );
    expect(JSON.parse(report.stdout).storeHead).toEqual(head);
    expect(runCli(['verify', dir]).stdout.split('\n')).toContain(`store head ${head.cid} (record it elsewhere; --expect-head checks a store against it)`);
    // the store grows: a later log does not break the recorded head
    const c = await writeLog(dir, 1);
    expect(verifyStore(dir, { expectHead: { source: headFile, logs: head.logs } }).failures).toEqual([]);
    // the two newest logs deleted: the only log left saw neither, so witnessing alone sees nothing
    const bHead = cidOfLine(dir, b, 2);
    deleteLog(dir, b);
    deleteLog(dir, c);
    expect(verifyStore(dir).failures).toEqual([]);
    const failure: VerifyFailure = {
      kind: 'deleted',
      file: `logs/${b}.jsonl`,
      log: b,
      detail: `log ${b} is missing (no log file, no checkpoint) but the expected store head (${headFile}) saw it with 3 records, last ${bHead}: the whole log was deleted`,
    };
    expect(verifyStore(dir, { expectHead: { source: headFile, logs: head.logs } }).failures).toEqual([failure]);
    const cli = runCli(['verify', dir, '--expect-head', headFile]);
    expect([cli.code, cli.stdout.split('\n')[0]]).toEqual([1, `FAIL ${formatFailure(failure)}`]);
    const bad = runCli(['verify', dir, '--expect-head', path.join(dir, 'keys', 'ed25519.pem')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^llm-provenance verify: --expect-head .*ed25519\.pem: /);
  });

  it('a store written before witnessing verifies, with a note that it carries no witness', () => {
    const dir = tmpStoreDir('witness-none');
    for (let k = 0; k < 2; k++) {
      const w = new SpecLogWriter(dir, { checkpointEvery: 0 });
      w.appendSpan({ traceId: '1'.repeat(32), spanId: `${k}`.repeat(16), name: 'chat', start: '1', end: '2' });
      w.close();
    }
    const report = verifyStore(dir);
    expect(report.failures).toEqual([]);
    expect(report.notes).toEqual([
      {
        file: 'logs',
        detail:
          'no log carries a witness of the other 1 log(s) (written before store witnessing, FORMAT.md section 3.6): a whole log deleted with its pack and checkpoints would not be noticed',
      },
    ]);
  });
});
