/**
 * Runs an unmodified app the way a user would, in a real child process:
 *
 *     node --require @llm-provenance/auto-instrumentations/register <app>.cjs     (module: 'cjs')
 *     node --import  @llm-provenance/auto-instrumentations/register <app>.mjs     (module: 'esm')
 *
 * against a fresh provider emulator and a fresh OTLP receiver, and returns what came out: decoded spans,
 * the raw OTLP bytes, the store directory, the emulator's recorded requests, stdout/stderr and exit status.
 *
 *     const run = await runApp({ module: 'esm', app: 'fixtures/openai-chat.mjs' });
 *     expect(run.spans[0].name).toBe('chat gpt-4o-mini');
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@llm-provenance/provider-emulators';
import type { OtlpSpan } from './otlp-decode.js';
import type { WireMessage } from './grpc-wire-tap.js';
import { startOtlpGrpcReceiver, type OtlpGrpcReceiver } from './otlp-grpc-receiver.js';
import { startOtlpReceiver, type OtlpTransport, type ReceivedExport } from './otlp-receiver.js';
import { testTempDir } from '@llm-provenance/test-support';

/** test/ (the e2e workspace package): apps are given relative to it, and children run in it. */
export const TEST_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const REGISTER = '@llm-provenance/auto-instrumentations/register';

/** A key the apps authenticate with; tests check it never reaches the OTLP receiver or the store. */
export const PLANTED_API_KEY = 'sk-planted-SECRET-0123456789abcdef';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;
type Scenario = Parameters<Emulator['enqueue']>[0];

export interface RunAppOptions {
  /** `cjs`: node --require .../register; `esm`: node --import .../register; `both`: both flags. */
  module: 'cjs' | 'esm' | 'both';
  /** App path relative to test/, e.g. `fixtures/openai-chat.cjs`. */
  app: string;
  /** Arguments after the app path. */
  args?: string[];
  /**
   * Extra environment for the child (undefined deletes a variable). Applied last. A function receives the
   * emulator's and the receiver's URLs, e.g. `({ receiverUrl }) => ({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: ... })`.
   */
  env?: Record<string, string | undefined> | ((urls: { emulatorUrl: string; receiverUrl: string }) => Record<string, string | undefined>);
  /**
   * OTLP transport the child exports with (`grpc` starts an OTLP/gRPC receiver instead of the HTTP one);
   * `false`: no OTLP endpoint is configured. Default `http/protobuf`.
   */
  protocol?: OtlpTransport | false;
  /** Provenance store in a fresh temp dir, removed when the test finishes (default true); `false` sets LLM_PROVENANCE_STORE=off. */
  store?: boolean;
  /** Use this store directory instead of a fresh one (e.g. a second run over a crashed run's store). */
  storeDir?: string;
  /** Scenarios enqueued on the emulator before the app starts (see packages/provider-emulators/README.md, "Scenarios"). */
  scenarios?: Scenario[];
  /**
   * Send this signal once the app prints `whenStdout` (a line or substring of stdout) and, with
   * `whenSpansReceived`, once the OTLP receiver has that many spans (with the store on, a span reaches OTLP
   * only after its record is durable in the store).
   */
  signal?: { send: NodeJS.Signals; whenStdout: string; whenSpansReceived?: number };
  /** Kill the child (SIGKILL) and fail after this long. Default 30 s. */
  timeoutMs?: number;
  /** What to preload instead of the register entry, e.g. `./fixtures/tracing.cjs` (relative to test/). */
  preload?: string;
  /** Options for the run's emulator (see packages/provider-emulators/README.md). */
  emulator?: Parameters<typeof startEmulator>[0];
}

export interface AppRun {
  exitCode: number | null;
  /** Signal the child died of, if any. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every span the receiver decoded, in arrival order. */
  spans: OtlpSpan[];
  /** Every OTLP request, raw and decoded. */
  exports: ReceivedExport[];
  /** Every byte the receiver got (headers and bodies). */
  otlpBytes: Buffer;
  /** With `protocol: 'grpc'`: the gRPC messages as the child put them on the wire (see grpc-wire-tap.ts). */
  grpcWireMessages: WireMessage[] | undefined;
  /** The store directory (absolute), or undefined when the store was off. */
  storeDir: string | undefined;
  /** Requests the emulator answered. */
  emulatorRequests: Emulator['requests'];
  /** The emulator's base URL the child was pointed at. */
  emulatorUrl: string;
  /** The environment the child ran with. */
  env: Record<string, string>;
  /** Milliseconds from spawning the child to its exit. */
  runMs: number;
  /** Milliseconds from sending `signal` to the child's exit (undefined without `signal`). */
  signalToExitMs: number | undefined;
}

/** Runs one app to completion (exit or signal) and returns everything it produced. */
export async function runApp(options: RunAppOptions): Promise<AppRun> {
  const emulator = await startEmulator(options.emulator);
  const receiver = options.protocol === 'grpc' ? await startOtlpGrpcReceiver() : await startOtlpReceiver();
  try {
    for (const scenario of options.scenarios ?? []) emulator.enqueue(scenario);
    const storeDir = options.store === false ? undefined : (options.storeDir ?? testTempDir('llm-provenance-e2e-'));
    const extraEnv = typeof options.env === 'function' ? options.env({ emulatorUrl: emulator.url, receiverUrl: receiver.url }) : options.env;
    const env = childEnv({
      // Every SDK is pointed at the emulator through its own standard variables where it has one,
      // so fixture apps need no configuration code: `new OpenAI()` just works.
      EMULATOR_URL: emulator.url,
      RECEIVER_URL: receiver.url,
      OPENAI_BASE_URL: `${emulator.url}/v1`,
      OPENAI_API_KEY: PLANTED_API_KEY,
      ANTHROPIC_BASE_URL: emulator.url,
      ANTHROPIC_API_KEY: PLANTED_API_KEY,
      GROQ_BASE_URL: emulator.url,
      GROQ_API_KEY: PLANTED_API_KEY,
      GEMINI_API_KEY: PLANTED_API_KEY,
      OLLAMA_HOST: emulator.url,
      ...(options.protocol === false ? {} : { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: options.protocol ?? 'http/protobuf' }),
      ...(storeDir ? { LLM_PROVENANCE_DIR: storeDir } : { LLM_PROVENANCE_STORE: 'off' }),
      ...extraEnv,
    });
    const preload = options.preload ?? REGISTER;
    const flags = options.module === 'both' ? ['--require', preload, '--import', preload] : [options.module === 'cjs' ? '--require' : '--import', preload];
    const spawnedAt = performance.now();
    let signalledAt: number | undefined;
    const child = spawn(process.execPath, [...flags, path.resolve(TEST_ROOT, options.app), ...(options.args ?? [])], {
      cwd: TEST_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    let printed = false;
    let spansReceived = options.signal?.whenSpansReceived === undefined;
    const signalWhenReady = () => {
      if (!options.signal || signalled || !printed || !spansReceived) return;
      signalled = true;
      signalledAt = performance.now();
      child.kill(options.signal.send);
    };
    if (options.signal?.whenSpansReceived !== undefined) {
      receiver.receivedSpans(options.signal.whenSpansReceived).then(
        () => {
          spansReceived = true;
          signalWhenReady();
        },
        () => {}, // the receiver closed first: the "exited before" error below names what was missing
      );
    }
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (options.signal && !printed && stdout.includes(options.signal.whenStdout)) {
        printed = true;
        signalWhenReady();
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const timeoutMs = options.timeoutMs ?? 30_000;
    let exitedAt = 0;
    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${options.app} did not finish within ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      child.on('error', reject);
      child.on('close', (exitCode, exitSignal) => {
        exitedAt = performance.now();
        clearTimeout(timer);
        resolve({ code: exitCode, signal: exitSignal });
      });
    });
    if (options.signal && !signalled) {
      const awaited = [
        ...(printed ? [] : [`printing ${JSON.stringify(options.signal.whenStdout)}`]),
        ...(spansReceived ? [] : [`exporting ${options.signal.whenSpansReceived} spans (the receiver got ${receiver.spans().length})`]),
      ].join(' and ');
      throw new Error(`${options.app} exited before ${awaited}\nstdout:\n${stdout}\nstderr:\n${stderr}`);
    }
    return {
      exitCode: code,
      signal,
      stdout,
      stderr,
      spans: receiver.spans(),
      exports: [...receiver.exports],
      otlpBytes: receiver.rawBytes(),
      grpcWireMessages: 'wireMessages' in receiver ? [...(receiver as OtlpGrpcReceiver).wireMessages] : undefined,
      storeDir,
      emulatorRequests: [...emulator.requests],
      emulatorUrl: emulator.url,
      env,
      runMs: exitedAt - spawnedAt,
      signalToExitMs: signalledAt === undefined ? undefined : exitedAt - signalledAt,
    };
  } finally {
    await receiver.close();
    await emulator.close();
  }
}

/** The parent's environment without anything that would configure tracing or the loader, plus `extra`. */
function childEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^(OTEL_|LLM_PROVENANCE_|OPENAI_|ANTHROPIC_|GROQ_|GEMINI_|GOOGLE_|OLLAMA_)/.test(key)) continue;
    if (key === 'NODE_OPTIONS' || key.startsWith('VITEST') || key.startsWith('npm_')) continue;
    env[key] = value;
  }
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
