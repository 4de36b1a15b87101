/**
 * The built `llm-provenance` CLI (bin/llm-provenance.cjs -> dist/cjs), run as a child process: exit
 * codes and exact output lines.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as dagJson from '@ipld/dag-json';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { checkpointName, copyStore, lines, runCli, spec, tmpDir, writeLines, writeSpans } from './verify-fixture.js';

const N = 1000;
let store: string;
let logId: string;
let out: string;

const cidOf = async (b: Uint8Array): Promise<string> => MfCID.create(1, 0x0129, await sha256.digest(b)).toString();

beforeAll(async () => {
  store = path.join(tmpDir('cli'), 'store');
  logId = await writeSpans(store, 0, N, { checkpointEvery: 200 });
  out = tmpDir('cli-out');
}, 120_000);

// output maps and raw outputs per span, 7 distinct inputs (map + raw), 3 params blocks, 1 resource block
const blockCount = 2 * N + 14 + 3 + 1;

describe('llm-provenance verify', () => {
  it('exits 0 and says OK for an untouched store', () => {
    const r = runCli(['verify', store]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        `^OK store ${store}: 1 log\\(s\\), ${N} record\\(s\\) \\(${N} under verified checkpoints\\), ${blockCount} block\\(s\\), 5 checkpoint\\(s\\)\\nsigned by did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}\\nstore head baguqee[a-z2-7]{54} \\(record it elsewhere; --expect-head checks a store against it\\)\\n$`,
      ),
    );
  });

  it('uses LLM_PROVENANCE_DIR when no store is given', () => {
    const r = runCli(['verify'], { LLM_PROVENANCE_DIR: store });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      `OK store ${store}: 1 log(s), ${N} record(s) (${N} under verified checkpoints), ${blockCount} block(s), 5 checkpoint(s)`,
    );
  });

  it('exits 1 and prints the first failure first: deleted', async () => {
    const dir = copyStore(store, 'cli-deleted');
    const ls = lines(dir, logId);
    const gone = await cidOf(ls[700]!);
    ls.splice(700, 1);
    writeLines(dir, logId, ls);
    const r = runCli(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(`FAIL deleted: logs/${logId}.jsonl:701 seq 700 cid ${gone} - seq 700 is missing before this record`);
  });

  it('exits 1 and prints the first failure first: modified', async () => {
    const dir = copyStore(store, 'cli-modified');
    const ls = lines(dir, logId);
    const original = await cidOf(ls[321]!);
    ls[321] = Buffer.from(ls[321]!.toString().replace('"task-3"', '"task-4"'));
    writeLines(dir, logId, ls);
    const r = runCli(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(
      `FAIL modified: logs/${logId}.jsonl:322 seq 321 cid ${await cidOf(ls[321]!)} - content no longer hashes to ${original}, the prev recorded by seq 322`,
    );
  });

  it('exits 1 and prints the first failure first: truncated since checkpoint', async () => {
    const dir = copyStore(store, 'cli-truncated');
    const ls = lines(dir, logId);
    writeLines(dir, logId, ls.slice(0, 650));
    const r = runCli(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toBe(
      `FAIL truncated since checkpoint 800: logs/${logId}.jsonl:651 seq 650 cid ${await cidOf(ls[799]!)} - checkpoint ${checkpointName(logId, 800)} signs 800 records (last ${await cidOf(ls[799]!)}) but the log ends after seq 649`,
    );
  });

  it('--json prints the whole report', () => {
    const dir = copyStore(store, 'cli-json');
    const ls = lines(dir, logId);
    ls.splice(10, 0, ls[2]!);
    writeLines(dir, logId, ls);
    const r = runCli(['verify', dir, '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.failures[0]).toMatchObject({ kind: 'inserted', file: `logs/${logId}.jsonl`, line: 11, seq: 2 });
  });
});

describe('llm-provenance export and verify of the CAR', () => {
  it('exports a CAR that verifies, and names a flipped byte in it', async () => {
    const car = path.join(out, 'store.car');
    const e = runCli(['export', store, '--car', car]);
    expect(e.code).toBe(0);
    expect(e.stdout).toMatch(
      new RegExp(
        `^car ${car}: root baguqeera[a-z2-7]{52}, 1 log\\(s\\), ${N} record\\(s\\), 5 checkpoint\\(s\\), ${blockCount} payload block\\(s\\), \\d+ block\\(s\\), \\d+ bytes\\n$`,
      ),
    );
    const ok = runCli(['verify', car]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toMatch(
      new RegExp(`^OK car ${car}: 1 log\\(s\\), ${N} record\\(s\\) \\(${N} under verified checkpoints\\), \\d+ block\\(s\\), 5 checkpoint\\(s\\)$`),
    );

    // without --key a CAR's signatures are checked against the keys it carries, and verify says so
    const signer = /\((did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44})\); pass --key to pin the signer$/m.exec(ok.stdout)?.[1];
    expect(signer).toBeDefined();
    const pinned = runCli(['verify', car, '--key', signer!]);
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).not.toContain('no trusted key');
    const wrong = runCli(['verify', car, '--key', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK']);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout.split('\n')[0]).toMatch(
      new RegExp(
        `^FAIL bad signature: ${car} section \\d+ \\(byte \\d+\\) seq 199 cid baguqeera[a-z2-7]{52} - checkpoint at size 200 is signed by key ${signer}, which is not a trusted key$`,
      ),
    );

    const bytes = fs.readFileSync(car);
    const needle = lines(store, logId)[500]!;
    const at = bytes.indexOf(needle);
    bytes[at + 10] ^= 0x04;
    const bad = path.join(out, 'flipped.car');
    fs.writeFileSync(bad, bytes);
    const r = runCli(['verify', bad]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')[0]).toMatch(
      new RegExp(
        `^FAIL modified: ${bad} section \\d+ \\(byte \\d+\\) cid ${await cidOf(needle)} - bytes hash to sha2-256 [0-9a-f]{64}, not the digest in the CID$`,
      ),
    );
  });

  it('writes OTLP JSON Lines and Jaeger JSON', () => {
    const otlp = path.join(out, 'spans.jsonl');
    const jaeger = path.join(out, 'jaeger.json');
    const r = runCli(['export', store, '--otlp-jsonl', otlp, '--jaeger-json', jaeger]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`otlp-jsonl ${otlp}: ${N} span(s) in 2 line(s)\njaeger-json ${jaeger}: ${N} span(s) in ${Math.ceil(N / 3)} trace(s)\n`);
    expect(fs.readFileSync(otlp, 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });
});

describe('llm-provenance query', () => {
  it('prints each record in words, newest first, then how many matched', async () => {
    const r = runCli(['query', store, '--model', 'llama3.1', '--status', 'error', '--limit', '2']);
    expect(r.code).toBe(0);
    // newest spans with i % 3 == 2 and i % 10 == 9: 989, 959 (33 of them: 29, 59, ..., 989)
    const expected = await Promise.all(
      [989, 959].map(async (i) => {
        const line = lines(store, logId)[i]!;
        const rec = dagJson.decode<any>(line);
        const s = spec(i);
        const t = new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace('.000Z', '.000000000Z');
        return [
          `${t}  ollama  llama3.1  ${s.operation}  error (rate limited)  250 ms`,
          `  who         user ${s.user}, task ${s.task}, worker ${s.worker}, route ${s.route}`,
          `  tokens      ${10 + (i % 13)} in, - out`,
          '  cost        -',
          `  last input  user: question ${i % 7}`,
          `  output      assistant: answer ${i}`,
          `  record      ${await cidOf(line)}`,
          `  input cid   ${rec.input}`,
          `  output cid  ${rec.output}`,
          `  log         ${logId} seq ${i}`,
          '',
        ].join('\n');
      }),
    );
    expect(r.stdout).toBe(expected.join('\n') + '\n33 records match; the newest 2 shown\n');
  });

  it('--json prints the results', () => {
    const r = runCli(['query', store, '--user', 'user-2', '--task', 'task-4', '--json']);
    expect(r.code).toBe(0);
    const seqs = JSON.parse(r.stdout).map((x: { seq: number }) => x.seq);
    const expected: number[] = [];
    for (let i = N - 1; i >= 0; i--) if (i % 4 === 2 && i % 6 === 4) expected.push(i);
    expect(seqs).toEqual(expected);
  });
});

describe('llm-provenance usage errors', () => {
  it.each([
    [
      ['frobnicate'],
      'llm-provenance: unknown command "frobnicate" (expected verify, query, report, consistency, lineage, export, publish or key; llm-provenance --help lists them)',
    ],
    [['query', '--status', 'maybe'], 'llm-provenance query: --status must be ok or error, got "maybe"'],
    [['query', '--limit', 'ten'], 'llm-provenance query: --limit must be a non-negative integer, got "ten"'],
    [['query', '--since', 'last week'], 'llm-provenance query: since: "last week" is not an ISO 8601 time'],
    [['verify', '/nonexistent/store'], 'llm-provenance verify: /nonexistent/store does not exist (expected a store directory or a CAR export)'],
    [['export'], 'llm-provenance export: export needs --car FILE, --otlp-jsonl FILE or --jaeger-json FILE'],
  ])('%j exits 2 naming the problem', (args, message) => {
    const r = runCli(args, { LLM_PROVENANCE_DIR: store });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message + '\n');
    expect(r.stdout).toBe('');
  });

  it('prints usage on stderr and exits 2 without a command; --help exits 0', () => {
    const none = runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr.split('\n')[0]).toBe('usage: llm-provenance <command> [options]');
    const help = runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(none.stderr);
  });

  it('rejects unknown options with exit 2', () => {
    const r = runCli(['verify', store, '--frob']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('llm-provenance verify: unknown option --frob (llm-provenance verify --help lists the options)\n');
  });
});

describe('llm-provenance on a CAR export', () => {
  it('query and export read a CAR like a store; export --car wants a store', () => {
    const car = path.join(out, 'for-query.car');
    expect(runCli(['export', store, '--car', car]).code).toBe(0);
    const q = runCli(['query', car, '--model', 'llama3.1', '--status', 'error', '--limit', '2']);
    expect([q.code, q.stderr]).toEqual([0, '']);
    expect(q.stdout).toBe(runCli(['query', store, '--model', 'llama3.1', '--status', 'error', '--limit', '2']).stdout);
    const otlp = path.join(out, 'from-car.jsonl');
    const e = runCli(['export', car, '--otlp-jsonl', otlp]);
    expect([e.code, e.stdout]).toEqual([0, `otlp-jsonl ${otlp}: ${N} span(s) in 2 line(s)\n`]);
    const again = runCli(['export', car, '--car', path.join(out, 'again.car')]);
    expect([again.code, again.stdout, again.stderr]).toEqual([
      2,
      '',
      `llm-provenance export: ${car} is a CAR export already (--car exports a store directory)\n`,
    ]);
  });
});
