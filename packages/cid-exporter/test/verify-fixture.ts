/**
 * Shared fixture for the verify / query / export / CLI tests: stores of format version 2 on disk, plus
 * helpers to tamper with the store's files byte for byte. Span i is deterministic (model, user, times,
 * trace id ...) so tests can compute the expected answer from i without reading the store.
 *
 * Who writes the store: the package's own writer (real spans from the real OTel SDK through the real
 * CidSpanExporter, and ProvenanceStore's recovery) when it writes format 2; until then the independent
 * spec writer in ./verify-fixture-writer.mjs, which follows FORMAT.md (@ipld/dag-json, multiformats,
 * node:crypto). LLM_PROVENANCE_FIXTURE_WRITER=real|spec forces one.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as dagJson from '@ipld/dag-json';
import { afterAll } from 'vitest';
import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { SDK_INFO } from '@opentelemetry/core';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import {
  CidSpanExporter,
  encodeCheckpoint,
  FORMAT_VERSION,
  loadOrCreateKey,
  ProvenanceStore,
  signStatement,
  verifyCheckpointBytes,
} from '@llm-provenance/cid-exporter';
import { cidOf, DAG_JSON, SpecLogWriter } from './verify-fixture-writer.mjs';

/** Which writer builds the stores: the package's own once it writes format 2, else the spec writer. */
export const WRITER: 'real' | 'spec' =
  process.env.LLM_PROVENANCE_FIXTURE_WRITER === 'real' || process.env.LLM_PROVENANCE_FIXTURE_WRITER === 'spec'
    ? process.env.LLM_PROVENANCE_FIXTURE_WRITER
    : (FORMAT_VERSION as number) === 2
      ? 'real'
      : 'spec';

/** Resource attributes of the fixture's spans (what the OTel SDK puts on them by default). */
export const RESOURCE = {
  'service.name': 'unknown_service:node',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.version': SDK_INFO['telemetry.sdk.version'],
};

export const MODELS = ['gpt-4o-mini', 'claude-3-5-haiku', 'llama3.1'] as const;
export const PROVIDERS = ['openai', 'anthropic', 'ollama'] as const;
/** 2026-01-01T00:00:00Z in ms; span i starts i seconds later and lasts 250 ms. */
export const BASE_MS = Date.UTC(2026, 0, 1);

export interface SpanSpec {
  i: number;
  model: string;
  provider: string;
  operation: 'chat' | 'embeddings';
  user: string;
  task: string;
  worker: string;
  route: string;
  error: boolean;
  traceId: string;
  input: string;
  output: string;
}

/** What span i looks like. Inputs repeat every 7 spans (same input CID), outputs never repeat. */
export function spec(i: number, salt = ''): SpanSpec {
  return {
    i,
    model: MODELS[i % 3]!,
    provider: PROVIDERS[i % 3]!,
    operation: i % 5 === 0 ? 'embeddings' : 'chat',
    user: `user-${i % 4}`,
    task: `task-${i % 6}`,
    worker: `worker-${i % 2}`,
    route: i % 7 === 0 ? 'fallback' : 'primary',
    error: i % 10 === 9,
    // three spans per trace, all children of the same (remote) parent
    traceId: (Math.floor(i / 3) + 1).toString(16).padStart(32, '0'),
    input: JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `question ${i % 7}${salt}` }] }]),
    output: JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: `answer ${i}${salt}` }] }]),
  };
}

export const PARENT_SPAN_ID = 'a1a2a3a4a5a6a7a8';

export interface BuiltStore {
  dir: string;
  logId: string;
}

/**
 * Writes spans `from..to-1` as one new, closed log into `dir`, with a checkpoint every `checkpointEvery`
 * records. Spans are written in order, so record seq = i - from.
 */
export async function writeSpans(dir: string, from: number, to: number, opts: { checkpointEvery?: number; salt?: string } = {}): Promise<string> {
  return WRITER === 'real' ? writeSpansReal(dir, from, to, opts) : writeSpansSpec(dir, from, to, opts);
}

function writeSpansSpec(dir: string, from: number, to: number, opts: { checkpointEvery?: number; salt?: string }): string {
  const w = new SpecLogWriter(dir, { checkpointEvery: opts.checkpointEvery ?? 500, resource: RESOURCE });
  for (let i = from; i < to; i++) {
    const s = spec(i, opts.salt);
    const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
    w.appendSpan({
      traceId: s.traceId,
      spanId: createHash('sha256')
        .update(`span ${i} ${opts.salt ?? ''}`)
        .digest('hex')
        .slice(0, 16),
      parentSpanId: PARENT_SPAN_ID,
      name: `${s.operation} ${s.model}`,
      start: ns(BASE_MS + i * 1000),
      end: ns(BASE_MS + i * 1000 + 250),
      status: s.error ? { code: 'ERROR', message: 'rate limited' } : { code: 'UNSET', message: null },
      attributes: {
        'enduser.id': s.user,
        'gen_ai.operation.name': s.operation,
        'gen_ai.provider.name': s.provider,
        'gen_ai.request.model': s.model,
        'gen_ai.request.temperature': 0.5,
        'gen_ai.usage.input_tokens': 10 + (i % 13),
        'provenance.route.backend': s.route,
        'provenance.task.id': s.task,
        'provenance.worker.id': s.worker,
      },
      params: { 'gen_ai.request.model': s.model, 'gen_ai.request.temperature': 0.5 },
      input: { 'gen_ai.input.messages': s.input },
      output: { 'gen_ai.output.messages': s.output },
      resource: RESOURCE,
    });
  }
  w.close();
  return w.logId;
}

async function writeSpansReal(dir: string, from: number, to: number, opts: { checkpointEvery?: number; salt?: string }): Promise<string> {
  const exporter = new CidSpanExporter({ dir, checkpointEvery: opts.checkpointEvery ?? 500, checkpointIntervalMs: 0 });
  const provider = new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({ exporter, maxExportBatchSize: 100, maxQueueSize: 100_000, scheduledDelayMillis: 5 })],
  });
  const tracer = provider.getTracer('verify-fixture', '1.0.0');
  const logId = exporter.store.logId;
  for (let i = from; i < to; i++) {
    const s = spec(i, opts.salt);
    const parent = trace.setSpanContext(context.active(), { traceId: s.traceId, spanId: PARENT_SPAN_ID, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    const span = tracer.startSpan(
      `${s.operation} ${s.model}`,
      {
        kind: SpanKind.CLIENT,
        startTime: BASE_MS + i * 1000,
        attributes: {
          'gen_ai.operation.name': s.operation,
          'gen_ai.provider.name': s.provider,
          'gen_ai.request.model': s.model,
          'gen_ai.request.temperature': 0.5,
          'gen_ai.usage.input_tokens': 10 + (i % 13),
          'enduser.id': s.user,
          'provenance.task.id': s.task,
          'provenance.worker.id': s.worker,
          'provenance.route.backend': s.route,
          'gen_ai.input.messages': s.input,
          'gen_ai.output.messages': s.output,
        },
      },
      parent,
    );
    if (s.error) span.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
    span.end(BASE_MS + i * 1000 + 250);
  }
  await provider.shutdown();
  return logId;
}

const created: string[] = [];
// every directory a test file made goes when that file is done (this module is imported at collection)
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the test file that asked for it. */
export function tmpDir(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `llmp-${label}-`));
  created.push(dir);
  return dir;
}

/** A copy of a store to tamper with. */
export function copyStore(src: string, label: string): string {
  const dst = path.join(tmpDir(label), 'store');
  fs.cpSync(src, dst, { recursive: true });
  return dst;
}

export const logPath = (dir: string, logId: string): string => path.join(dir, 'logs', `${logId}.jsonl`);
export const packPath = (dir: string, logId: string): string => path.join(dir, 'blocks', `${logId}.blocks`);
export const checkpointName = (logId: string, size: number): string => `checkpoints/${logId}.${String(size).padStart(12, '0')}.json`;

/** Complete lines of a log (without newlines). */
export function lines(dir: string, logId: string): Buffer[] {
  const buf = fs.readFileSync(logPath(dir, logId));
  const out: Buffer[] = [];
  let pos = 0;
  for (let nl = buf.indexOf(0x0a); nl >= 0; nl = buf.indexOf(0x0a, pos)) {
    out.push(buf.subarray(pos, nl));
    pos = nl + 1;
  }
  return out;
}

export function writeLines(dir: string, logId: string, ls: Buffer[]): void {
  fs.writeFileSync(logPath(dir, logId), Buffer.concat(ls.flatMap((l) => [l, Buffer.from('\n')])));
}

/** One pack section, located independently of the code under test. */
export interface PackSection {
  offset: number;
  end: number;
  cidBytes: Buffer;
  dataOffset: number;
}

function varint(buf: Buffer, at: number): [number, number] {
  let v = 0;
  let mul = 1;
  for (let i = at; ; i++) {
    v += (buf[i]! & 0x7f) * mul;
    if ((buf[i]! & 0x80) === 0) return [v, i - at + 1];
    mul *= 128;
  }
}

/** Sections of a pack (all our CIDs are 36 bytes: 0x01, 2-byte or 1-byte codec, 0x12 0x20, digest). */
export function packSections(buf: Buffer): PackSection[] {
  const out: PackSection[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [len, n] = varint(buf, pos);
    const body = pos + n;
    const cidLen = buf[body + 1]! === 0x55 ? 36 : 37; // raw codec is one varint byte, dag-json (0x0129) two
    out.push({ offset: pos, end: body + len, cidBytes: buf.subarray(body, body + cidLen), dataOffset: body + cidLen });
    pos = body + len;
  }
  return out;
}

/** The resource attributes a span record links (FORMAT.md 3.1: a dag-json block in the log's pack). */
export function resourceOf(dir: string, logId: string, record: { resource: unknown }): Record<string, unknown> {
  const link = String(record.resource as { toString(): string });
  const pack = fs.readFileSync(packPath(dir, logId));
  for (const s of packSections(pack)) {
    if (cidOf(DAG_JSON, pack.subarray(s.dataOffset, s.end)).toString() === link) return dagJson.decode(pack.subarray(s.dataOffset, s.end));
  }
  throw new Error(`resource block ${link} is not in the pack of ${logId}`);
}

/**
 * Turns `logId`'s final checkpoint back into a plain one (re-signed with the store key), as if its writer
 * had crashed right after a checkpoint instead of closing: a sealed log is closed whatever lock files say
 * (FORMAT.md section 6.1), so a crash can only be staged on an unsealed log.
 */
export function unseal(dir: string, logId: string): void {
  const cpDir = path.join(dir, 'checkpoints');
  for (const name of fs.readdirSync(cpDir).filter((n) => n.startsWith(`${logId}.`))) {
    const cp = verifyCheckpointBytes(fs.readFileSync(path.join(cpDir, name))).checkpoint;
    if (!cp?.statement.closed) continue;
    const { closed: _closed, ...statement } = cp.statement;
    fs.writeFileSync(path.join(cpDir, name), encodeCheckpoint(signStatement(statement, loadOrCreateKey(dir))));
  }
}

/**
 * Makes `logId` look abandoned by a crashed writer (lock naming a dead pid), then has a new writer open
 * the store and recover it (FORMAT.md section 2): a torn tail is cut and recorded in the recovering log
 * (`cut`), damage before the last newline is recorded and left (`damage`). Returns the recovering log.
 */
export async function recoverAbandoned(dir: string, logId: string): Promise<string> {
  unseal(dir, logId);
  fs.writeFileSync(path.join(dir, 'logs', `${logId}.lock`), JSON.stringify({ host: os.hostname(), log: logId, pid: deadPid(), start: '1' }) + '\n');
  if (WRITER === 'real') {
    const store = ProvenanceStore.open({ dir, checkpointIntervalMs: 0 });
    const recoverer = store.logId;
    await store.close();
    return recoverer;
  }
  return recoverSpec(dir, logId);
}

/** The spec writer's recovery of one abandoned log (FORMAT.md section 2 steps 1-4). */
function recoverSpec(dir: string, logId: string): string {
  const w = new SpecLogWriter(dir, { checkpointEvery: 0 });
  fs.writeFileSync(path.join(dir, 'logs', `${logId}.recovered`), JSON.stringify({ by: w.logId, pid: process.pid, time: '1' }));
  const file = logPath(dir, logId);
  const buf = fs.readFileSync(file);
  const end = buf.lastIndexOf(0x0a) + 1;
  let prev: string | null = null;
  let pos = 0;
  for (let n = 0; pos < end; n++) {
    const nl = buf.indexOf(0x0a, pos);
    const line = buf.subarray(pos, nl);
    let bad: string | undefined;
    try {
      const rec = dagJson.decode<{ log?: unknown; seq?: unknown; prev?: unknown }>(line);
      if (!Buffer.from(dagJson.encode(rec)).equals(line)) bad = 'not canonical DAG-JSON';
      else if (rec.log !== logId || rec.seq !== n || (rec.prev === null ? null : String(rec.prev)) !== prev) bad = 'chain broken';
    } catch {
      bad = 'not DAG-JSON';
    }
    if (bad) {
      w.appendDamage({ target: logId, file: `logs/${logId}.jsonl`, line: n + 1, reason: bad });
      w.close();
      return w.logId;
    }
    prev = cidOf(DAG_JSON, line).toString();
    pos = nl + 1;
  }
  if (end < buf.length) {
    w.appendCut({ target: logId, file: `logs/${logId}.jsonl`, offset: end, bytes: buf.subarray(end) });
    w.flush();
    fs.truncateSync(file, end);
  }
  w.close();
  return w.logId;
}

/** A process id that is certainly not running (a child that already exited). */
export function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

export const CLI = fileURLToPath(new URL('../bin/llm-provenance.cjs', import.meta.url));

/** Runs the built CLI in a child process. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
