/**
 * Every command in examples/jaeger/README.md and examples/audit/README.md, run as written, so the READMEs
 * cannot drift from the code. Each README's fenced `sh` blocks run in order with bash (`set -eo pipefail`)
 * in a copy of its example folder (its installed node_modules linked in, so `npx llm-provenance` and the
 * example's imports resolve as they do for a user), removed afterwards. An HTML comment on the line before
 * a fence says how to treat the block:
 *
 *   <!-- readme-test: skip: <reason> -->   not run here (Docker, the npm registry); the reason is the test title
 *   <!-- readme-test: file <name> -->      a `js` block the README asks the user to save: written to <name>
 *   <!-- readme-test: exit <code> -->      the command is meant to fail with <code> (a tampered export)
 *
 * Fences in other languages (output samples) are not run. examples/quickstart/README.md carries no
 * markers: its blocks are accounted for below, each covered by another test or skipped with its reason.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStore, startOtlpReceiver, TEST_ROOT, type OtlpReceiver } from '../harness/index.js';

const REPO = path.resolve(TEST_ROOT, '..');

type Marker = { kind: 'run'; exit: number } | { kind: 'skip'; reason: string } | { kind: 'file'; name: string };

interface ReadmeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  marker: Marker;
}

const MARKER = /^<!--\s*readme-test:\s*(.*?)\s*-->$/;

function parseMarker(text: string, where: string): Marker {
  const skip = /^skip:\s*(.+)$/.exec(text);
  if (skip) return { kind: 'skip', reason: skip[1]! };
  const file = /^file\s+([\w.-]+)$/.exec(text);
  if (file) return { kind: 'file', name: file[1]! };
  const exit = /^exit\s+(\d+)$/.exec(text);
  if (exit) return { kind: 'run', exit: Number(exit[1]) };
  throw new Error(`${where}: unknown readme-test marker ${JSON.stringify(text)} (expected "skip: <reason>", "file <name>" or "exit <code>")`);
}

/** The fenced `sh` and `js` blocks of a README, each with the marker on the line before its fence. */
export function readmeBlocks(file: string): ReadmeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    // fences may be indented (inside a list item); the indentation is not part of the code
    const open = /^(\s*)```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const close = lines.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (close < 0) throw new Error(`${file}:${i + 1}: unclosed fence`);
    const lang = open[2]!;
    const previous = lines[i - 1] ?? '';
    const marked = MARKER.exec(previous.trim());
    const where = `${path.relative(REPO, file)}:${i + 1}`;
    const marker = marked ? parseMarker(marked[1]!, where) : { kind: 'run' as const, exit: 0 };
    if (lang === 'sh' || lang === 'js')
      blocks.push({
        line: i + 1,
        lang,
        code:
          lines
            .slice(i + 1, close)
            .map((l) => l.slice(indent))
            .join('\n') + '\n',
        marker,
      });
    else if (marked) throw new Error(`${where}: a readme-test marker on a \`${lang}\` fence, which is never run`);
    i = close;
  }
  return blocks;
}

/** A matcher for the simple patterns of an example's .gitignore (`name`, `dir/`, `*.ext`), plus node_modules. */
function ignoredBy(gitignore: string): (relative: string) => boolean {
  const patterns = ['node_modules/', ...readFileSync(gitignore, 'utf8').split('\n')]
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(
      (l) =>
        new RegExp(
          `^${l
            .replace(/\/$/, '')
            .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
            .replace(/\*/g, '[^/]*')}$`,
        ),
    );
  return (relative) => patterns.some((p) => p.test(relative.split(path.sep)[0]!));
}

interface BlockRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runShell(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<BlockRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `set -eo pipefail\n${script}`], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Only what a user's shell would have that matters here: no OTEL_* or LLM_PROVENANCE_* from the test run. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, NO_COLOR: '1', npm_config_update_notifier: 'false', ...extra };
}

/**
 * Registers one test per block of `readme`, run in order in a copy of `exampleDir`; `check` gets every
 * block's result afterwards for the assertions specific to that README.
 */
function describeReadme(
  name: string,
  options: { env?: () => Record<string, string>; check: (runs: Map<number, BlockRun>, dir: string) => Promise<void> | void },
): void {
  const exampleDir = path.join(REPO, 'examples', name);
  const readme = path.join(exampleDir, 'README.md');
  const blocks = readmeBlocks(readme);
  describe(`examples/${name}/README.md`, () => {
    let dir: string;
    const runs = new Map<number, BlockRun>();
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), `readme-${name}-`));
      // the example as a user has it: its own files, none of what its .gitignore lists (stores and outputs
      // of an earlier run), and its installed dependencies
      const ignored = ignoredBy(path.join(exampleDir, '.gitignore'));
      cpSync(exampleDir, dir, { recursive: true, filter: (src) => src === exampleDir || !ignored(path.relative(exampleDir, src)) });
      symlinkSync(path.join(exampleDir, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('has commands to run, every one of them marked or run', () => {
      expect(blocks.filter((b) => b.marker.kind === 'run').length).toBeGreaterThan(3);
    });
    for (const block of blocks) {
      const title = `line ${block.line}: ${block.code.split('\n')[0]}`;
      if (block.marker.kind === 'skip') {
        it.skip(`${title} (not run: ${block.marker.reason})`, () => {});
        continue;
      }
      const marker = block.marker;
      it(
        marker.kind === 'file' ? `line ${block.line}: saved as ${marker.name}` : title,
        async () => {
          if (marker.kind === 'file') {
            writeFileSync(path.join(dir, marker.name), block.code);
            return;
          }
          expect(block.lang, `a ${block.lang} block needs a "file <name>" marker`).toBe('sh');
          const run = await runShell(block.code, dir, cleanEnv(options.env?.() ?? {}));
          runs.set(block.line, run);
          expect({ exit: run.code, stderr: run.stderr, stdout: run.stdout }).toMatchObject({ exit: marker.exit });
        },
        120_000,
      );
    }
    it('did what the README says it does', async () => {
      await options.check(runs, dir);
    }, 60_000);
  });
}

/** The result of the first run block whose code contains `text`. */
function runOf(runs: Map<number, BlockRun>, blocks: ReadmeBlock[], text: string): BlockRun {
  const block = blocks.find((b) => b.marker.kind === 'run' && b.code.includes(text));
  const run = block && runs.get(block.line);
  if (!run) throw new Error(`no run block containing ${JSON.stringify(text)}`);
  return run;
}

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

describe('readmeBlocks', () => {
  it('reads sh and js fences with their markers and refuses an unknown marker', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'readme-parse-'));
    try {
      const file = path.join(dir, 'README.md');
      writeFileSync(
        file,
        '# t\n\n```sh\necho a\n```\n\n<!-- readme-test: skip: needs Docker -->\n```sh\ndocker ps\n```\n\n```\noutput\n```\n\n<!-- readme-test: file x.mjs -->\n```js\nconsole.log(1)\n```\n',
      );
      expect(readmeBlocks(file)).toEqual([
        { line: 3, lang: 'sh', code: 'echo a\n', marker: { kind: 'run', exit: 0 } },
        { line: 8, lang: 'sh', code: 'docker ps\n', marker: { kind: 'skip', reason: 'needs Docker' } },
        { line: 17, lang: 'js', code: 'console.log(1)\n', marker: { kind: 'file', name: 'x.mjs' } },
      ]);
      writeFileSync(file, '<!-- readme-test: skipp -->\n```sh\nls\n```\n');
      expect(() => readmeBlocks(file)).toThrow(/README.md:2: unknown readme-test marker "skipp"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const jaegerBlocks = readmeBlocks(path.join(REPO, 'examples/jaeger/README.md'));
describeReadme('jaeger', {
  // The app's OTLP export goes to a loopback receiver instead of Jaeger (a shell variable wins over otel.env).
  env: () => ({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }),
  check: async (runs, dir) => {
    const { logs } = await readStore(path.join(dir, '.llm-provenance'));
    const cids = logs.flatMap((log) => log.cids);
    expect(cids).toHaveLength(4);
    // every span reached the OTLP endpoint carrying the CID of its record, prompts and answers included
    const spans = receiver.spans();
    expect(spans.map((s) => s.attributes['provenance.record.cid']).sort()).toEqual([...cids].sort());
    expect(spans.map((s) => s.name).sort()).toEqual(['chat claude-sonnet-4-20250514', 'chat gpt-4o-mini', 'chat gpt-4o-mini', 'handle-ticket']);
    for (const s of spans.filter((span) => span.name.startsWith('chat'))) {
      expect(s.resource['service.name']).toBe('support-bot');
      expect(typeof s.attributes['gen_ai.input.messages']).toBe('string');
      expect(typeof s.attributes['gen_ai.output.messages']).toBe('string');
    }
    // start.mjs printed each record CID as the tag to search for
    const start = runOf(runs, jaegerBlocks, 'start.mjs').stdout;
    for (const cid of cids) expect(start).toContain(`provenance.record.cid=${cid}`);
    expect(start).toContain(`trace     http://localhost:16686/trace/${spans[0]!.traceId}`);
    // the Jaeger JSON and the picture drawn from it hold the same CIDs
    const trace = JSON.parse(readFileSync(path.join(dir, 'trace.json'), 'utf8'));
    const tags = trace.data[0].spans.map((s: { tags: Array<{ key: string; value: unknown }> }) => s.tags.find((t) => t.key === 'provenance.record.cid')?.value);
    expect(tags.sort()).toEqual([...cids].sort());
    const svg = readFileSync(path.join(dir, 'trace.svg'), 'utf8');
    expect(svg).toContain(`provenance.record.cid`);
    expect(cids.some((cid) => svg.includes(cid))).toBe(true);
  },
});

const auditBlocks = readmeBlocks(path.join(REPO, 'examples/audit/README.md'));
describeReadme('audit', {
  check: async (runs, dir) => {
    const { logs } = await readStore(path.join(dir, '.llm-provenance'));
    const first = logs.find((log) => log.records.length === 3)!;
    const bobsRecord = first.cids[2]!;
    expect(first.records[2]!.attributes['enduser.id']).toBe('bob');
    // the auditor's CLI check and the hand-written check agree on the untampered export
    expect(runOf(runs, auditBlocks, 'verify provenance.car --key store.did\n').stdout).toMatch(
      /^OK car provenance\.car: 1 log\(s\), 3 record\(s\) \(3 under verified checkpoints\)/,
    );
    expect(runOf(runs, auditBlocks, 'node check-car.mjs provenance.car').stdout).toContain(`log ${first.logId}: 3 records, chain intact, last ${bobsRecord}`);
    // the tampered export: verify names bob's record by its CID and seq, the script names the same block
    const tampered = runOf(runs, auditBlocks, 'verify tampered.car').stdout;
    expect(tampered).toMatch(
      new RegExp(
        `^FAIL modified: tampered\\.car section \\d+ \\(byte \\d+\\) cid ${bobsRecord} - bytes hash to sha2-256 [0-9a-f]{64}, not the digest in the CID\\n  also modified: tampered\\.car section \\d+ \\(byte \\d+\\) seq 2 cid `,
      ),
    );
    expect(runOf(runs, auditBlocks, 'node check-car.mjs tampered.car').stderr).toContain(`Error: block ${bobsRecord} does not match its bytes`);
    // another key is refused; the store's own key re-signing a rewrite is caught only by the recorded head
    expect(runOf(runs, auditBlocks, 'verify other.car --key store.did').stdout).toMatch(/^FAIL bad signature: .*which is not a trusted key$/m);
    const storeKey = readFileSync(path.join(dir, 'store.did'), 'utf8').trim();
    expect(runOf(runs, auditBlocks, 'verify rewritten.car --key store.did\n').stdout).toMatch(
      new RegExp(`^OK car rewritten\\.car: 1 log\\(s\\), 3 record\\(s\\) \\(3 under verified checkpoints\\).*\\nsigned by ${storeKey}\\n`, 'm'),
    );
    expect(runOf(runs, auditBlocks, 'verify rewritten.car --key store.did --expect-head').stdout).toContain(
      `FAIL deleted: rewritten.car - log ${first.logId} is missing (not in the export) but the expected store head (report.json) saw it with 3 records, last ${bobsRecord}: the whole log was deleted`,
    );
    expect(runOf(runs, auditBlocks, 'verify later.car').stdout).toMatch(/^OK car later\.car: 2 log\(s\), 7 record\(s\) \(7 under verified checkpoints\)/m);
  },
});

/**
 * examples/quickstart/README.md has no markers yet; each of its blocks is accounted for here, so a new
 * command there fails this test until it is run or given a reason.
 */
describe('examples/quickstart/README.md', () => {
  const covered: Record<string, string> = {
    'pnpm demo': 'test/e2e/quickstart.test.ts runs the same demo (node demo.mjs --store <temp dir>) and checks its output',
    'node --import @llm-provenance/auto-instrumentations/register app.mjs': 'needs the emulator demo.mjs starts; test/e2e/quickstart.test.ts runs it that way',
    'node packages/cid-exporter/bin/llm-provenance.cjs verify examples/quickstart/.llm-provenance':
      'test/e2e/quickstart.test.ts runs this verify on the demo store',
    'docker run --rm -p 16686:16686 -p 4318:4318 jaegertracing/all-in-one': 'needs Docker',
    'OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318 pnpm demo':
      'test/e2e/quickstart.test.ts runs the demo with OTEL_EXPORTER_OTLP_ENDPOINT set to a loopback receiver',
  };
  const commands = readmeBlocks(path.join(REPO, 'examples/quickstart/README.md')).flatMap((b) =>
    b.code
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter(Boolean),
  );
  it('has every command covered by a test or skipped with a reason', () => {
    expect(commands.filter((c) => !(c in covered))).toEqual([]);
  });
  for (const command of commands) it.skip(`${command} (not run here: ${covered[command] ?? 'not accounted for'})`, () => {});
});
