import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { dagJsonCid, ProvenanceStore, rawCid, verifyStore, type RecordDraft } from '@llm-provenance/cid-exporter';
import { readLines, tmpStoreDir } from './store-helpers.js';

const draft = (name: string): RecordDraft => ({ fields: { type: 'span', name, input: null }, blocks: [] });
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

async function closedLog(label: string): Promise<{ dir: string; logId: string }> {
  const dir = tmpStoreDir(label);
  const store = ProvenanceStore.open({ dir, checkpointIntervalMs: 0 });
  await store.append([draft('a'), draft('b'), draft('c')]).durable;
  await store.close();
  return { dir, logId: store.logId };
}

describe('sealing: a clean close marks the log closed in its final checkpoint', () => {
  it('a forged record appended after close, with a planted lock naming a dead writer, is never signed by the next writer and fails verify', async () => {
    const { dir, logId } = await closedLog('seal-forge');
    const lines = readLines(dir, logId);
    const last = JSON.parse(lines[2]!.toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...last, name: 'forged', prev: { '/': dagJsonCid(lines[2]!).toString() }, seq: 3 }));
    fs.appendFileSync(path.join(dir, 'logs', `${logId}.jsonl`), Buffer.concat([forged, Buffer.from('\n')]));
    fs.writeFileSync(path.join(dir, 'logs', `${logId}.lock`), JSON.stringify({ host: os.hostname(), log: logId, pid: deadPid(), start: '1' }) + '\n');

    const next = ProvenanceStore.open({ dir, checkpointIntervalMs: 0 });
    await next.close();
    // The sealed log is not recovered: no claim, no checkpoint at size 4, nothing recorded about it.
    expect(fs.existsSync(path.join(dir, 'logs', `${logId}.recovered`))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'checkpoints')).filter((f) => f.startsWith(logId))).toEqual([`${logId}.000000000003.json`]);
    // its only record witnesses the log, and claims none of its records: no checkpoint ends at the forged one
    expect(readLines(dir, next.logId).map((l) => JSON.parse(l.toString()).logs)).toEqual([[{ last: null, log: logId, size: 0 }]]);
    const report = verifyStore(dir);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      {
        kind: 'inserted',
        file: `logs/${logId}.jsonl`,
        line: 4,
        log: logId,
        seq: 3,
        cid: dagJsonCid(forged).toString(),
        detail: `log was sealed at size 3 by its final checkpoint, but 1 record(s) from seq 3 on follow it: added after close`,
      },
    ]);
  });

  it('a well-formed block appended to a closed log’s pack fails verify (sealed length, and reached by no record), whatever lock files say', async () => {
    const { dir, logId } = await closedLog('seal-pack');
    const pack = path.join(dir, 'blocks', `${logId}.blocks`);
    const before = fs.statSync(pack).size;
    // the drafts link no blocks: the pack was empty
    const sectionsBefore = 0;
    expect(before).toBe(0);
    const bytes = Buffer.from('planted payload');
    const cid = rawCid(bytes).bytes;
    // one CARv1 section: uvarint(length) || CID || bytes (length < 128: one byte)
    fs.appendFileSync(pack, Buffer.concat([Buffer.from([cid.length + bytes.length]), Buffer.from(cid), bytes]));
    const expected = [
      {
        kind: 'extra block',
        file: `blocks/${logId}.blocks`,
        section: sectionsBefore,
        offset: before,
        cid: rawCid(bytes).toString(),
        log: logId,
        detail: 'block of a closed log that no record reaches (directly or through a block it links): added after close',
      },
      {
        kind: 'inserted',
        file: `blocks/${logId}.blocks`,
        offset: before,
        log: logId,
        detail: `pack is ${before + 1 + cid.length + bytes.length} bytes but the log's final checkpoint sealed it at ${before}: ${1 + cid.length + bytes.length} bytes added after close`,
      },
    ];
    expect(verifyStore(dir).failures).toEqual(expected);
    fs.writeFileSync(path.join(dir, 'logs', `${logId}.lock`), JSON.stringify({ host: os.hostname(), log: logId, pid: process.pid, start: '1' }) + '\n');
    expect(verifyStore(dir).failures).toEqual(expected);
  });
});

describe('verify rejects edits a lenient parser would forgive', () => {
  it.each([
    ['a trailing blank line', (pem: string) => pem + '\n'],
    ['CRLF line ends', (pem: string) => pem.replace(/\n/g, '\r\n')],
    ['text before the block', (pem: string) => 'key:\n' + pem],
  ])('a store key edited with %s is an input error naming the file', async (_what, edit) => {
    const { dir } = await closedLog('pem-edit');
    const file = path.join(dir, 'keys', 'ed25519.pem');
    expect(verifyStore(dir).ok).toBe(true);
    fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    expect(() => verifyStore(dir)).toThrow(
      `store key ${file} was edited: it is not byte for byte the PKCS#8 PEM the writer writes (whitespace or text changed)`,
    );
  });

  it('a torn pack of a log already recovered is noted as staying, not as cut at the next open', async () => {
    const dir = tmpStoreDir('recovered-torn');
    const store = ProvenanceStore.open({ dir, checkpointIntervalMs: 0 });
    await store.append([draft('a')]).durable;
    const logId = store.logId;
    store.closeSync();
    // a recovery that claimed the log and was interrupted before it cut the torn section
    fs.writeFileSync(path.join(dir, 'logs', `${logId}.lock`), JSON.stringify({ host: os.hostname(), log: logId, pid: deadPid(), start: '1' }) + '\n');
    fs.writeFileSync(path.join(dir, 'logs', `${logId}.recovered`), JSON.stringify({ by: 'x', pid: deadPid(), time: '1' }) + '\n');
    const pack = path.join(dir, 'blocks', `${logId}.blocks`);
    for (const f of fs.readdirSync(path.join(dir, 'checkpoints'))) fs.rmSync(path.join(dir, 'checkpoints', f));
    const size = fs.statSync(pack).size;
    fs.appendFileSync(pack, Buffer.from([0x40, 0x01]));
    const report = verifyStore(dir);
    expect(report.failures).toEqual([]);
    expect(report.notes).toContainEqual({
      file: `blocks/${logId}.blocks`,
      detail: `torn final section at byte ${size} (2 bytes) of a log already recovered: its recovery did not cut it (interrupted, or these bytes came after it) and no later open will; not part of the log`,
    });
  });
});
