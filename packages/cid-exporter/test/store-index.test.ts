/**
 * The store index (index/spans.sqlite beside the logs): report, consistency and query give exactly the
 * answers the logs give; an index is used only while it still covers every log byte for byte (an append
 * or a rewrite after it was built makes it stale: never read), and a deleted one is rebuilt on --index.
 * Needs SQLite: node:sqlite (Node >= 22.13) or an installed better-sqlite3; skipped otherwise.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConsistency, buildReport, DIMENSIONS, queryStore } from '@llm-provenance/cid-exporter';
import { copyStore, runCli, spec, tmpDir, writeSpans } from './verify-fixture.js';

interface Db {
  exec(sql: string): void;
  close(): void;
}
/** The engine the package would use, opened directly (to tamper with an index), or undefined. */
function openDb(): ((file: string) => Db) | undefined {
  const sqlite = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule?.('node:sqlite') as
    { DatabaseSync: new (f: string) => Db; StatementSync?: { prototype: { iterate?: unknown } } } | undefined;
  if (sqlite && typeof sqlite.StatementSync?.prototype.iterate === 'function') return (f) => new sqlite.DatabaseSync(f);
  try {
    const Better = createRequire(__filename)('better-sqlite3') as new (f: string) => Db;
    return (f) => new Better(f);
  } catch {
    return undefined;
  }
}
const open = openDb();

const N = 120;
let store: string;
const index = (dir: string): string => path.join(dir, 'index', 'spans.sqlite');
const everything = (dir: string, mode: 'off' | 'auto' | 'refresh', notes: string[] = []) => {
  const read = { index: mode, note: (t: string) => notes.push(t) };
  return JSON.stringify({
    report: buildReport(dir, { by: [...DIMENSIONS], ...read }),
    byModel: buildReport(dir, { by: ['model'], provider: 'openai', since: '2026-01-01T00:00:30Z', ...read }),
    consistency: buildConsistency(dir, { all: true, ...read }),
    query: queryStore(dir, {}, read),
    queryFiltered: queryStore(dir, { user: 'user-1', status: 'ok', limit: 7, until: '2026-01-01T00:01:30Z' }, read),
    queryModel: queryStore(dir, { model: 'model-b', limit: 3 }, read),
  });
};

describe.skipIf(!open)(
  `store index (${open ? 'SQLite available' : 'skipped: no SQLite here: node:sqlite needs Node >= 22.13, or install better-sqlite3'})`,
  () => {
    beforeAll(async () => {
      store = path.join(tmpDir('index'), 'store');
      await writeSpans(store, 0, N, { checkpointEvery: 50 });
    }, 120_000);

    it('answers exactly as the logs do, and is the answer while fresh', () => {
      const fromLogs = everything(store, 'off');
      expect(fs.existsSync(index(store))).toBe(false);
      expect(everything(store, 'refresh')).toBe(fromLogs);
      expect(fs.existsSync(index(store))).toBe(true);
      const notes: string[] = [];
      expect(everything(store, 'auto', notes)).toBe(fromLogs);
      expect(notes).toEqual([]);
      // the fresh index is what auto reads: a figure changed in it shows (and only there)
      const copy = copyStore(store, 'index-used');
      const db = open!(index(copy));
      db.exec('UPDATE spans SET in_tok = in_tok + 1000');
      db.close();
      const used = buildReport(copy, { index: 'auto' }).totals.input_tokens;
      expect(used - buildReport(copy, { index: 'off' }).totals.input_tokens).toBe(N * 1000);
    });

    it('never trusts an index older than the logs: an appended log makes it stale, --index rebuilds it', async () => {
      const dir = copyStore(store, 'index-stale');
      expect(everything(dir, 'refresh')).toBe(everything(store, 'off'));
      const db = open!(index(dir));
      db.exec('UPDATE spans SET in_tok = in_tok + 1000');
      db.close();
      await writeSpans(dir, N, N + 10, { salt: ' later' });
      const notes: string[] = [];
      const now = everything(dir, 'off');
      expect(everything(dir, 'auto', notes)).toBe(now);
      expect(notes[0]).toMatch(new RegExp(`^the index of ${dir} is stale \\(.*\\): reading the logs; --index rebuilds it$`));
      expect(buildReport(dir, { index: 'auto' }).totals.calls).toBe(N + 10);
      expect(everything(dir, 'refresh')).toBe(now);
      const after: string[] = [];
      expect(everything(dir, 'auto', after)).toBe(now);
      expect(after).toEqual([]);
    });

    it('notices a log rewritten to the same size', () => {
      const dir = copyStore(store, 'index-rewritten');
      buildReport(dir, { index: 'refresh' });
      const log = fs.readdirSync(path.join(dir, 'logs')).find((n) => n.endsWith('.jsonl'))!;
      const file = path.join(dir, 'logs', log);
      const bytes = fs.readFileSync(file);
      const at = bytes.lastIndexOf('"user-');
      bytes[at + 6] = bytes[at + 6] === 0x31 ? 0x32 : 0x31;
      fs.writeFileSync(file, bytes);
      const notes: string[] = [];
      const r = buildReport(dir, { by: ['user'], index: 'auto', note: (t) => notes.push(t) });
      expect(notes).toEqual([
        `the index of ${dir} is stale (log ${log.slice(0, -'.jsonl'.length)} was rewritten since it was indexed): reading the logs; --index rebuilds it`,
      ]);
      expect(r).toEqual(buildReport(dir, { by: ['user'], index: 'off' }));
    });

    it('rebuilds a deleted index on --index, and reads the logs without one', () => {
      const dir = copyStore(store, 'index-deleted');
      const expected = everything(dir, 'off');
      buildReport(dir, { index: 'refresh' });
      fs.rmSync(index(dir));
      expect(everything(dir, 'auto')).toBe(expected);
      expect(fs.existsSync(index(dir))).toBe(false);
      const r = runCli(['report', dir, '--index', '--json', '--by', 'user']);
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(fs.existsSync(index(dir))).toBe(true);
      expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(buildReport(dir, { by: ['user'], index: 'off' }))));
      expect(fs.readdirSync(path.join(dir, 'index'))).toEqual(['spans.sqlite']);
      const both = runCli(['query', dir, '--index', '--no-index']);
      expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 2, stderr: 'llm-provenance query: --index and --no-index exclude each other\n' });
      expect(spec(0).user).toBe('user-0');
    });
  },
);
