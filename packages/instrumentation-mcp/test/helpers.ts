import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import { repoRoot } from '@llm-provenance/test-support';

const run = promisify(execFile);
export const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
/** What `node --require @llm-provenance/auto-instrumentations/register` loads. */
export const register = path.join(repoRoot, 'packages/auto-instrumentations/entrypoints/register.cjs');

/** Environment of an app under the register: its store in `dir`, no exporter beyond the store, content captured by default. */
export function appEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LLM_PROVENANCE_DIR: dir,
    OTEL_TRACES_EXPORTER: 'none',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
  };
  delete env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT;
  return { ...env, ...extra };
}

/** What the SDK returned for one call in client.cjs: its result, or the error it threw. */
export interface Settled {
  result?: unknown;
  error?: { name: string; code?: number; message: string };
}
export type ClientOutput = Record<string, Settled> & { turn: { traceId: string; spanId: string }; sessionId: string | null };

/** Runs client.cjs under the register against `target` (`stdio`: it spawns server.cjs itself). */
export async function runClient(kind: 'stdio' | 'http', target: string, env: NodeJS.ProcessEnv): Promise<ClientOutput> {
  const { stdout } = await run(process.execPath, ['--require', register, path.join(fixtures, 'client.cjs'), kind, target, register], { env, cwd: fixtures });
  return JSON.parse(stdout) as ClientOutput;
}

/** Starts server.cjs under the register on Streamable HTTP; `stop()` ends its stdin and waits for it to exit (its spans stored). */
export async function startHttpServer(env: NodeJS.ProcessEnv): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--require', register, path.join(fixtures, 'server.cjs'), 'http'], {
    env,
    cwd: fixtures,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([once(lines, 'line'), exited.then(() => [undefined])])) as [string | undefined];
  if (first === undefined) throw new Error('server.cjs exited before it listened');
  const { port } = JSON.parse(first) as { port: number };
  return {
    port,
    async stop() {
      child.stdin.end();
      const [code] = (await exited) as [number | null];
      lines.close();
      if (code !== 0) throw new Error(`server.cjs exited with ${code}`);
    },
  };
}

/** The CIDv1 (raw, sha2-256) of `text`'s UTF-8 bytes, computed with multiformats rather than by the store. */
export async function rawCidOf(text: string): Promise<string> {
  return CID.create(1, raw.code, await sha256.digest(new TextEncoder().encode(text))).toString();
}
