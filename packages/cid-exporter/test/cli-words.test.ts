/**
 * The built `llm-provenance` CLI, run as a child process on a store written by the real CidSpanExporter
 * (real OTel SDK spans carrying what the instrumentations record) and on a CAR export of it: query in
 * words and as JSON, the same answers for a store and its CAR, exit codes and one-line errors, and the
 * store's public key in one form (did:key) from `key export` to `verify --key`. Exact output asserted;
 * CIDs and the did:key are recomputed independently (multiformats, @ipld/dag-json, node:crypto).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as dagJson from '@ipld/dag-json';
import { base58btc } from 'multiformats/bases/base58';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { CidSpanExporter, verifyStore } from '@llm-provenance/cid-exporter';
import { BASE_MS, copyStore, lines, runCli, tmpDir } from './verify-fixture.js';

const cidOf = async (b: Uint8Array): Promise<string> => MfCID.create(1, 0x0129, await sha256.digest(b)).toString();
const messages = (...m: Array<[string, string]>): string => JSON.stringify(m.map(([role, content]) => ({ role, parts: [{ type: 'text', content }] })));
const LONG_QUESTION = `Summarise this ticket: ${'the customer reports that the export button does nothing '.repeat(3)}`;

/** The three calls the store records, oldest first. */
const CALLS = [
  {
    name: 'chat gpt-4o-mini',
    ms: 250,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini-2024-07-18',
      'gen_ai.usage.input_tokens': 13,
      'gen_ai.usage.output_tokens': 1,
      'gen_ai.usage.cost.amount': 0.00000255,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'enduser.id': 'alice',
      'provenance.task.id': 'fact-check',
      'provenance.worker.id': 'worker-1',
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Answer tersely.' }]),
      'gen_ai.input.messages': messages(
        ['user', 'Hello'],
        ['assistant', 'Hi!'],
        ['user', 'In which year did the Berlin Wall fall?\nAnswer with the year only.'],
      ),
      'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: '1989' }], finish_reason: 'stop' }]),
    },
  },
  {
    name: 'chat claude-3-5-haiku',
    ms: 1500,
    error: 'rate limited',
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-3-5-haiku',
      'gen_ai.usage.input_tokens': 40,
      'gen_ai.input.messages': messages(['user', LONG_QUESTION]),
    },
  },
  {
    name: 'embeddings text-embedding-3-small',
    ms: 12_500,
    attributes: {
      'gen_ai.operation.name': 'embeddings',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'text-embedding-3-small',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.cost.amount': 6e-8,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'provenance.task.id': 'index',
      'gen_ai.input.messages': messages(['user', 'provenance'], ['user', 'audit trail']),
    },
  },
];

let store: string;
let logId: string;
let car: string;
let out: string;
/** Record, input and output CIDs per call, from the stored bytes. */
let cids: Array<{ record: string; input: string | null; params: string | null; output: string | null }>;

beforeAll(async () => {
  store = path.join(tmpDir('cli-words'), 'store');
  const exporter = new CidSpanExporter({ dir: store, checkpointIntervalMs: 0 });
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 5 })] });
  const tracer = provider.getTracer('cli-words', '1.0.0');
  logId = exporter.store.logId;
  CALLS.forEach((call, i) => {
    const start = BASE_MS + i * 60_000;
    const span = tracer.startSpan(call.name, { kind: SpanKind.CLIENT, startTime: start, attributes: call.attributes });
    if (call.error) span.setStatus({ code: SpanStatusCode.ERROR, message: call.error });
    span.end(start + call.ms);
  });
  await provider.shutdown();
  cids = await Promise.all(
    lines(store, logId).map(async (line) => {
      const r = dagJson.decode<Record<string, unknown>>(line);
      const link = (v: unknown): string | null => (v ? String(v) : null);
      return { record: await cidOf(line), input: link(r.input), params: link(r.params), output: link(r.output) };
    }),
  );
  out = tmpDir('cli-words-out');
  car = path.join(out, 'store.car');
  const e = runCli(['export', store, '--car', car]);
  expect([e.code, e.stderr]).toEqual([0, '']);
}, 60_000);

/** What query prints for call i, as the text below the header line. */
function block(i: number, head: string, rows: Array<[string, string]>): string[] {
  const c = cids[i]!;
  return [
    head,
    ...rows.map(([label, value]) => `  ${label.padEnd(11)} ${value}`),
    `  record      ${c.record}`,
    `  input cid   ${c.input ?? '-'}`,
    `  output cid  ${c.output ?? '-'}`,
    `  log         ${logId} seq ${i}`,
    '',
  ];
}

const expectedText = (): string =>
  [
    ...block(2, '2026-01-01T00:02:00.000000000Z  openai  text-embedding-3-small  embeddings  ok  12.5 s', [
      ['who', 'task index'],
      ['tokens', '3 in, - out'],
      ['cost', '$0.00000006 (price_table)'],
      ['last input', 'user: audit trail'],
      ['output', '-'],
    ]),
    ...block(1, '2026-01-01T00:01:00.000000000Z  anthropic  claude-3-5-haiku  chat  error (rate limited)  1500 ms', [
      ['tokens', '40 in, - out'],
      ['cost', '-'],
      ['last input', `user: ${LONG_QUESTION}`.slice(0, 97) + '...'],
      ['output', '-'],
    ]),
    ...block(0, '2026-01-01T00:00:00.000000000Z  openai  gpt-4o-mini-2024-07-18  chat  ok  250 ms', [
      ['who', 'user alice, task fact-check, worker worker-1'],
      ['tokens', '13 in, 1 out'],
      ['cost', '$0.00000255 (price_table)'],
      ['last input', 'user: In which year did the Berlin Wall fall? Answer with the year only.'],
      ['output', 'assistant: 1989'],
    ]),
    '3 records match',
    '',
  ].join('\n');

describe('llm-provenance query answers in words', () => {
  it('shows time, provider, model, who, tokens, cost, status, duration, previews, then the CIDs', () => {
    const r = runCli(['query', store]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toBe(expectedText());
  });

  it('gives the same answers for the store and its CAR export, in text and in JSON', () => {
    for (const args of [[], ['--json'], ['--content'], ['--status', 'error'], ['--limit', '1'], ['--model', 'nothing']]) {
      const fromStore = runCli(['query', store, ...args]);
      const fromCar = runCli(['query', car, ...args]);
      expect(fromCar).toEqual(fromStore);
      expect(fromStore.code).toBe(0);
    }
    expect(runCli(['query', car]).stdout).toBe(expectedText());
  });

  it('says how many matched when --limit cuts, and "0 records match" when nothing does', () => {
    const limited = runCli(['query', store, '--limit', '1']);
    expect(limited.stdout.split('\n').slice(-2)).toEqual(['3 records match; the newest 1 shown', '']);
    const none = runCli(['query', store, '--user', 'nobody']);
    expect(none).toEqual({ code: 0, stdout: '0 records match\n', stderr: '' });
    expect(runCli(['query', store, '--user', 'nobody', '--json'])).toEqual({ code: 0, stdout: '[]\n', stderr: '' });
  });

  it('--content prints the full texts of the prompts and outputs', () => {
    const r = runCli(['query', store, '--user', 'alice', '--content']);
    expect(r.code).toBe(0);
    const text = r.stdout.split('\n');
    const at = text.indexOf('  input gen_ai.input.messages:');
    expect(text.slice(at - 1, at + 11)).toEqual([
      '  output      assistant: 1989',
      '  input gen_ai.input.messages:',
      '    user: Hello',
      '    assistant: Hi!',
      '    user: In which year did the Berlin Wall fall?',
      '    Answer with the year only.',
      '  input gen_ai.system_instructions:',
      '    [{"type":"text","content":"Answer tersely."}]',
      '  output gen_ai.output.messages:',
      '    assistant: 1989',
      `  record      ${cids[0]!.record}`,
      `  input cid   ${cids[0]!.input}`,
    ]);
  });

  it('--json gives every fact and the record, with the same status words as the text', () => {
    const r = runCli(['query', store, '--json']);
    expect(r.code).toBe(0);
    const [embeddings, failed, chat] = JSON.parse(r.stdout);
    expect(chat).toEqual({
      time: '2026-01-01T00:00:00.000000000Z',
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      operation: 'chat',
      user: 'alice',
      task: 'fact-check',
      worker: 'worker-1',
      route: null,
      inputTokens: 13,
      outputTokens: 1,
      cost: { amount: 0.00000255, currency: 'USD', source: 'price_table' },
      status: 'ok',
      statusMessage: null,
      durationMs: 250,
      preview: { input: 'user: In which year did the Berlin Wall fall? Answer with the year only.', output: 'assistant: 1989' },
      cids: cids[0],
      log: logId,
      seq: 0,
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
      spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
      parentSpanId: null,
      name: 'chat gpt-4o-mini',
      kind: 'CLIENT',
      start: String(BigInt(BASE_MS) * 1_000_000n),
      end: String(BigInt(BASE_MS + 250) * 1_000_000n),
      attributes: Object.fromEntries(
        Object.entries(CALLS[0]!.attributes)
          .filter(([k]) => !['gen_ai.system_instructions', 'gen_ai.input.messages', 'gen_ai.output.messages'].includes(k))
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      ),
      resource: expect.objectContaining({ 'telemetry.sdk.language': 'nodejs' }),
      scope: { name: 'cli-words', version: '1.0.0', schemaUrl: null },
      events: [],
      links: [],
      dropped: [],
      content: {
        input: {
          'gen_ai.input.messages': CALLS[0]!.attributes['gen_ai.input.messages'],
          'gen_ai.system_instructions': CALLS[0]!.attributes['gen_ai.system_instructions'],
        },
        output: { 'gen_ai.output.messages': CALLS[0]!.attributes['gen_ai.output.messages'] },
      },
    });
    expect([embeddings.status, failed.status, failed.statusMessage]).toEqual(['ok', 'error', 'rate limited']);
    expect(r.stdout).not.toMatch(/UNSET|"OK"|"ERROR"/);
  });
});

describe('llm-provenance exit codes and messages', () => {
  it.each([
    [['--help']],
    [['-h']],
    [['help']],
    [['help', 'query']],
    [['verify', '--help']],
    [['query', '--help']],
    [['export', '--help']],
    [['key', '--help']],
  ])('%j exits 0 with usage on stdout', (args) => {
    const r = runCli(args);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toMatch(/^(usage: )?llm-provenance /);
  });

  it('--version prints the package version', () => {
    const { version } = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(runCli(['--version'])).toEqual({ code: 0, stdout: `llm-provenance ${version}\n`, stderr: '' });
  });

  it.each([
    [
      ['frobnicate'],
      'llm-provenance: unknown command "frobnicate" (expected verify, query, report, consistency, lineage, export, publish or key; llm-provenance --help lists them)',
    ],
    [
      ['--frob'],
      'llm-provenance: unknown option --frob (expected verify, query, report, consistency, lineage, export, publish or key; llm-provenance --help lists them)',
    ],
    [['query', '--frob'], 'llm-provenance query: unknown option --frob (llm-provenance query --help lists the options)'],
    [['verify', '-x'], 'llm-provenance verify: unknown option -x (llm-provenance verify --help lists the options)'],
    [['export', '--car'], "llm-provenance export: Option '--car <value>' argument missing"],
    [['key', 'import'], 'llm-provenance key: unknown key action "import" (expected export)'],
  ])('%j is one line naming it, exit 2', (args, message) => {
    expect(runCli(args, { LLM_PROVENANCE_DIR: store })).toEqual({ code: 2, stdout: '', stderr: message + '\n' });
  });

  it('a random file is neither a store nor a CAR (exit 2), not tampering; a missing path and a plain folder are input errors', () => {
    const random = path.join(out, 'random.bin');
    fs.writeFileSync(random, Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251)));
    const empty = tmpDir('cli-words-empty');
    const missing = path.join(out, 'no-such-store');
    for (const command of ['verify', 'query', 'export']) {
      const extra = command === 'export' ? ['--otlp-jsonl', path.join(out, 'x.jsonl')] : [];
      expect(runCli([command, random, ...extra])).toEqual({
        code: 2,
        stdout: '',
        stderr: `llm-provenance ${command}: ${random} is neither an llm-provenance store directory nor a CAR file\n`,
      });
      expect(runCli([command, missing, ...extra])).toEqual({
        code: 2,
        stdout: '',
        stderr: `llm-provenance ${command}: ${missing} does not exist (expected a store directory or a CAR export)\n`,
      });
      expect(runCli([command, empty, ...extra])).toEqual({
        code: 2,
        stdout: '',
        stderr: `llm-provenance ${command}: ${empty} is not an llm-provenance store (no logs/ or checkpoints/ directory) nor a CAR export\n`,
      });
    }
    expect(fs.readdirSync(out).sort()).toEqual(['random.bin', 'store.car']);
    fs.rmSync(random);
  });

  it('a damaged CAR is verification failed (exit 1), not an input error', () => {
    const bytes = fs.readFileSync(car);
    const damaged = path.join(out, 'damaged.car');
    fs.writeFileSync(damaged, bytes.subarray(0, bytes.length - 10));
    const r = runCli(['verify', damaged]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL truncated: /);
    fs.rmSync(damaged);
  });

  it('export into a missing folder names it, exit 2, and leaves no temporary file anywhere', () => {
    const missing = path.join(out, 'missing');
    for (const [option, file] of [
      ['--car', 'a.car'],
      ['--otlp-jsonl', 'a.jsonl'],
      ['--jaeger-json', 'a.json'],
    ] as const) {
      const target = path.join(missing, file);
      for (const source of [store, car]) {
        if (option === '--car' && source === car) continue;
        expect(runCli(['export', source, option, target])).toEqual({
          code: 2,
          stdout: '',
          stderr: `llm-provenance export: ${option} ${target}: output folder ${missing} does not exist\n`,
        });
      }
    }
    expect(fs.readdirSync(out).sort()).toEqual(['store.car']);
    expect(runCli(['export', car, '--car', path.join(out, 'again.car')])).toEqual({
      code: 2,
      stdout: '',
      stderr: `llm-provenance export: ${car} is a CAR export already (--car exports a store directory)\n`,
    });
  });

  it('export writes the same viewer files from a store and from its CAR', () => {
    for (const option of ['--otlp-jsonl', '--jaeger-json']) {
      const a = path.join(out, `from-store${option}`);
      const b = path.join(out, `from-car${option}`);
      expect(runCli(['export', store, option, a]).code).toBe(0);
      expect(runCli(['export', car, option, b]).code).toBe(0);
      expect(fs.readFileSync(b)).toEqual(fs.readFileSync(a));
      fs.rmSync(a);
      fs.rmSync(b);
    }
  });
});

describe('one key form: did:key', () => {
  /** The store's public key as did:key, computed here: multicodec ed25519-pub (0xed 0x01) + raw key, base58btc. */
  const expectedDidKey = (pem: string): string => {
    const raw = Buffer.from(createPublicKey(createPrivateKey(pem)).export({ format: 'jwk' }).x!, 'base64url');
    return `did:key:${base58btc.encode(Uint8Array.from([0xed, 0x01, ...raw]))}`;
  };

  it('key export prints it, --out writes it, and verify shows it, accepts it and pins the signer with it', () => {
    const didKey = expectedDidKey(fs.readFileSync(path.join(store, 'keys', 'ed25519.pem'), 'utf8'));
    expect(didKey).toMatch(/^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$/);
    expect(runCli(['key', 'export', '--store', store])).toEqual({ code: 0, stdout: `${didKey}\n`, stderr: '' });
    expect(runCli(['key', 'export'], { LLM_PROVENANCE_DIR: store }).stdout).toBe(`${didKey}\n`);

    const pinned = path.join(out, 'store.did');
    expect(runCli(['key', 'export', '--store', store, '--out', pinned])).toEqual({ code: 0, stdout: `${didKey} written to ${pinned}\n`, stderr: '' });
    expect(fs.readFileSync(pinned, 'utf8')).toBe(`${didKey}\n`);

    // blocks: 3 input maps, 4 input payloads (3 messages, 1 system instructions), 1 output map and payload,
    // 3 params blocks, 1 resource block
    const okStore = [
      `OK store ${store}: 1 log(s), 3 record(s) (3 under verified checkpoints), 13 block(s), 1 checkpoint(s)`,
      `signed by ${didKey}`,
      `store head ${verifyStore(store).storeHead.cid} (record it elsewhere; --expect-head checks a store against it)`,
      '',
    ].join('\n');
    expect(runCli(['verify', store])).toEqual({ code: 0, stdout: okStore, stderr: '' });
    expect(runCli(['verify', store, '--key', didKey])).toEqual({ code: 0, stdout: okStore, stderr: '' });
    expect(runCli(['verify', store, '--key', pinned])).toEqual({ code: 0, stdout: okStore, stderr: '' });
    const carOk = runCli(['verify', car, '--key', pinned]);
    expect(carOk.code).toBe(0);
    expect(carOk.stdout.split('\n')[1]).toBe(`signed by ${didKey}`);
    // without a pinned key a CAR names the key its checkpoints carry, in the same form
    expect(runCli(['verify', car]).stdout).toContain(`(${didKey}); pass --key to pin the signer`);

    const other = `did:key:${base58btc.encode(Uint8Array.from([0xed, 0x01, ...Buffer.alloc(32, 7)]))}`;
    const wrong = runCli(['verify', car, '--key', other]);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout.split('\n')[0]).toMatch(
      new RegExp(`^FAIL bad signature: .* - checkpoint at size 3 is signed by key ${didKey}, which is not a trusted key$`),
    );
    fs.rmSync(pinned);
  });

  it.each([
    [
      'ab'.repeat(32),
      `--key ${'ab'.repeat(32)}: neither a did:key (did:key:z6Mk...) nor a file holding one (llm-provenance key export writes the store's public key as a did:key)`,
    ],
    ['did:key:z6MkNOTBASE58l0', '--key: "did:key:z6MkNOTBASE58l0" is not a did:key: not base58btc after "did:key:z"'],
    [
      'did:key:z2J9gaYxrKVpdoG9A4gRnmpnRCcxU6agDtFVVBVdn1JedouoZN7SzcyREXXzWgt3gGiwpoHq7K68X4m32D8HgzG8wv3sY5j7',
      expect.stringMatching(/^--key: ".*" is not an Ed25519 did:key \(expected 0xed01 and 32 key bytes, found \d+ bytes\)$/),
    ],
  ])('verify --key %s is an input error (exit 2)', (key, message) => {
    const r = runCli(['verify', store, '--key', key]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    const line = r.stderr.replace(/^llm-provenance verify: /, '').trimEnd();
    expect(line).toEqual(message);
  });

  it('whitespace edits in the key file are an input error naming the file (exit 2), never another verdict', () => {
    const pemOf = (dir: string): string => path.join(dir, 'keys', 'ed25519.pem');
    const original = fs.readFileSync(pemOf(store), 'utf8');
    const edits: Array<[string, (pem: string) => string]> = [
      ['CRLF line ends', (p) => p.replace(/\n/g, '\r\n')],
      ['trailing spaces', (p) => p.replace(/\n/g, '  \n')],
      ['a blank line after the header', (p) => p.replace('\n', '\n\n')],
      ['no final newline', (p) => p.trimEnd()],
      ['indented lines', (p) => p.replace(/\n(?=.)/g, '\n  ')],
    ];
    for (const [what, edit] of edits) {
      const dir = copyStore(store, 'cli-words-pem');
      fs.writeFileSync(pemOf(dir), edit(original));
      const verify = runCli(['verify', dir]);
      const key = runCli(['key', 'export', '--store', dir]);
      // The writer writes the key file byte for byte as the key exports (FORMAT.md section 7): an edited
      // file is not the store's key file, whatever key a forgiving parser would read from it.
      expect([what, verify.code, verify.stdout, key.code, key.stdout]).toEqual([what, 2, '', 2, '']);
      const name = pemOf(dir).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect(verify.stderr).toMatch(new RegExp(`^llm-provenance verify: store key ${name} (was edited|is not a PKCS#8 PEM private key): .*\\n$`));
      expect(verify.stdout).not.toContain('no trusted key');
    }
  });
});
