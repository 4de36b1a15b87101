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
/**
 * How an app is started under the register: `cjs` runs the `.cjs` fixtures with `--require` (the SDK's
 * CommonJS build), `esm` the `.mjs` ones with `--import` (its ES module build).
 */
export type ModuleSystem = 'cjs' | 'esm';

/** What `node --require` (`cjs`) or `node --import` (`esm`) `@llm-provenance/auto-instrumentations/register` loads. */
export function registerOf(system: ModuleSystem): string {
  return path.join(repoRoot, `packages/auto-instrumentations/entrypoints/register.${system === 'cjs' ? 'cjs' : 'mjs'}`);
}

/** The Node flags that preload the register, and the fixture `name` in `system`'s flavour. */
function underRegister(system: ModuleSystem, name: 'client' | 'server'): string[] {
  return [system === 'cjs' ? '--require' : '--import', registerOf(system), path.join(fixtures, `${name}.${system === 'cjs' ? 'cjs' : 'mjs'}`)];
}

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

/** What the SDK returned for one call in the client fixture: its result, or the error it threw. */
export interface Settled {
  result?: unknown;
  error?: { name: string; code?: number; message: string };
}
export type ClientOutput = Record<string, Settled> & { turn: { traceId: string; spanId: string }; sessionId: string | null };

/** Runs the client fixture under the register against `target` (`stdio`: it spawns the server fixture itself). */
export async function runClient(kind: 'stdio' | 'http', target: string, env: NodeJS.ProcessEnv, system: ModuleSystem = 'cjs'): Promise<ClientOutput> {
  const { stdout } = await run(process.execPath, [...underRegister(system, 'client'), kind, target, registerOf(system)], { env, cwd: fixtures });
  return JSON.parse(stdout) as ClientOutput;
}

/** Starts the server fixture under the register on Streamable HTTP; `stop()` ends its stdin and waits for it to exit (its spans stored). */
export async function startHttpServer(env: NodeJS.ProcessEnv, system: ModuleSystem = 'cjs'): Promise<{ port: number; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [...underRegister(system, 'server'), 'http'], {
    env,
    cwd: fixtures,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = once(child, 'exit');
  const lines = createInterface({ input: child.stdout });
  const [first] = (await Promise.race([once(lines, 'line'), exited.then(() => [undefined])])) as [string | undefined];
  if (first === undefined) throw new Error('the server fixture exited before it listened');
  const { port } = JSON.parse(first) as { port: number };
  return {
    port,
    async stop() {
      child.stdin.end();
      const [code] = (await exited) as [number | null];
      lines.close();
      if (code !== 0) throw new Error(`the server fixture exited with ${code}`);
    },
  };
}

/** The CIDv1 (raw, sha2-256) of `text`'s UTF-8 bytes, computed with multiformats rather than by the store. */
export async function rawCidOf(text: string): Promise<string> {
  return CID.create(1, raw.code, await sha256.digest(new TextEncoder().encode(text))).toString();
}
