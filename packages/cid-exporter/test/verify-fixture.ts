/**
 * Shared fixture for the verify / query / export / CLI tests: real spans from the real OTel SDK,
 * exported through the real CidSpanExporter into a store on disk, plus helpers to tamper with the
 * store's files byte for byte. Span i is deterministic (model, user, times, trace id ...) so tests can
 * compute the expected answer from i without reading the store.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { CidSpanExporter } from '@llm-provenance/cid-exporter';

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
 * Writes spans `from..to-1` through a fresh CidSpanExporter (one new log) into `dir`, with a checkpoint
 * every `checkpointEvery` records. Spans are exported in order, so record seq = i - from.
 */
export async function writeSpans(dir: string, from: number, to: number, opts: { checkpointEvery?: number; salt?: string } = {}): Promise<string> {
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

export function tmpDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `llmp-${label}-`));
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
