import { describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { logFiles, readLines, tmpStoreDir } from './store-helpers.js';
import { startFaultChild as startChild, storedRecordCids, type Exported } from './fault-child-runner.js';

function emptyFiles(dir: string): string[] {
  const out: string[] = [];
  for (const sub of ['logs', 'blocks', 'checkpoints', 'keys']) {
    for (const name of fs.readdirSync(path.join(dir, sub)))
      if (fs.statSync(path.join(dir, sub, name)).size === 0 && !name.endsWith('.blocks')) out.push(`${sub}/${name}`);
  }
  return out;
}

describe('storage faults (fault-injecting fs preload in a child process)', () => {
  it.each([
    ['ENOSPC on every write', 'ENOSPC'],
    ['EIO on every fsync', 'EIO'],
  ])('%s: the failed log is closed for good, the app file gets only app bytes, a new log counts the gap', async (_label, fault) => {
    const dir = tmpStoreDir('faults');
    const appFile = path.join(path.dirname(dir), 'app-output.txt');
    const child = startChild(dir);

    const before = await child.send<Exported>('export 3');
    expect(before.code).toBe(0);
    expect(before.forwarded.every((c) => typeof c === 'string')).toBe(true);

    await child.send(`fault ${fault}`);
    const during1 = await child.send<Exported>('export 4');
    expect(during1.code).toBe(1);
    expect(during1.forwarded).toEqual([null, null, null, null]);
    // The app opens a file after the fault: it may get the number of a descriptor the store closed.
    await child.send(`app-open ${appFile}`);
    await child.send('app-write app line 1');
    const during2 = await child.send<Exported>('export 5');
    expect(during2.code).toBe(1);
    expect(during2.forwarded).toEqual([null, null, null, null, null]);
    await child.send('app-write app line 2');
    // A failed try to open a new log leaves nothing behind: no empty lock, log or checkpoint file.
    expect(emptyFiles(dir)).toEqual([]);

    await child.send('fault off');
    const after = await child.send<Exported>('export 2');
    expect(after.code).toBe(0);
    await child.send('app-write app line 3');
    const { logIds } = await child.send<{ logIds: string[] }>('shutdown');
    expect(await child.exited).toBe(0);

    expect(fs.readFileSync(appFile, 'utf8')).toBe('app line 1\napp line 2\napp line 3\n');
    const stored = await storedRecordCids(dir);
    for (const cid of [...before.forwarded, ...after.forwarded]) expect(stored.has(cid!)).toBe(true);

    // Two logs: the failed one (kept up to its last complete append) and the new one, whose first
    // record witnesses the failed one (FORMAT.md 3.6) and whose second counts the 9 records that could
    // not be stored.
    const logs = logIds;
    expect(logFiles(dir)).toEqual(logs.map((l) => `${l}.jsonl`).sort());
    expect(logs).toHaveLength(2);
    expect(readLines(dir, logs[0]!)).toHaveLength(3);
    const newLines = readLines(dir, logs[1]!).map((l) => JSON.parse(l.toString()) as Record<string, unknown>);
    expect(newLines).toHaveLength(4);
    expect(newLines[0]).toMatchObject({ type: 'witness', seq: 0, log: logs[1] });
    expect((newLines[0]!['logs'] as Array<{ log: string }>).map((e) => e.log)).toEqual([logs[0]]);
    expect(newLines[1]).toMatchObject({ type: 'dropped', count: 9, reason: 'store unavailable', seq: 1, log: logs[1] });
    expect(String(newLines[1]!['error'])).toContain(fault);
    expect(typeof newLines[1]!['since']).toBe('string');
    // After ENOSPC the failed log was cut back, synced, and sealed once space returned. After a failed
    // fsync it is not trusted to be on disk: its lock stays for the next open to recover it.
    const locks = fs.readdirSync(path.join(dir, 'logs')).filter((n) => n.endsWith('.lock'));
    expect(locks).toEqual(fault === 'EIO' ? [`${logs[0]}.lock`] : []);

    const report = verifyStore(dir);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);

    // Said once per state change, one line each: the log failed; writing again.
    const lines = child.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^provenance store: log ${logs[0]} failed \\(${fault}: .*\\): .*records are not stored until a new log opens`));
    expect(lines[1]).toMatch(new RegExp(`^provenance store: writing again, to new log ${logs[1]}: 9 records could not be stored since `));
  });

  it('a store directory deleted mid-run is noticed, said once, and a new log in the recreated directory counts what went with it', async () => {
    const dir = tmpStoreDir('deleted');
    const child = startChild(dir);
    const before = await child.send<Exported>('export 3');
    expect(before.code).toBe(0);
    const key = fs.readFileSync(path.join(dir, 'keys', 'ed25519.pem'), 'utf8');
    fs.rmSync(dir, { recursive: true });

    const after = await child.send<Exported>('export 2');
    expect(after.code).toBe(0);
    const { logIds } = await child.send<{ logIds: string[] }>('shutdown');
    expect(await child.exited).toBe(0);

    expect(logIds).toHaveLength(2);
    expect(logFiles(dir)).toEqual([`${logIds[1]}.jsonl`]);
    const stored = await storedRecordCids(dir);
    for (const cid of after.forwarded) expect(stored.has(cid!)).toBe(true);
    const records = readLines(dir, logIds[1]!).map((l) => JSON.parse(l.toString()) as Record<string, unknown>);
    expect(records.map((r) => r['type'])).toEqual(['dropped', 'span', 'span']);
    expect(records[0]).toMatchObject({ count: 3, reason: 'store unavailable', error: `the store directory ${dir} was deleted or replaced` });
    // the same key signs in the recreated directory
    expect(fs.readFileSync(path.join(dir, 'keys', 'ed25519.pem'), 'utf8')).toBe(key);
    expect(verifyStore(dir).failures).toEqual([]);
    expect(child.stderr().trimEnd().split('\n')).toEqual([
      `provenance store: log ${logIds[0]} failed (the store directory ${dir} was deleted or replaced): its 3 records were deleted with it; records are not stored until a new log opens (retrying)`,
      expect.stringMatching(new RegExp(`^provenance store: writing again, to new log ${logIds[1]}: 3 records could not be stored since `)),
    ]);
  });
});
