// Runs the whole system on this machine: Redis, two OpenAI-compatible backends (loopback emulators; the
// first answers its first request with a 429), the dispatcher and two workers, each a process under the
// register hook with its own provenance store; then sends four requests, two from alice and two from bob.
// Usage: node start.mjs [--store <dir>]   (default ./.llm-provenance: one store per process inside it)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from '@llm-provenance/provider-emulators';
import { startRedisServer } from '@llm-provenance/test-support/redis-server';

const here = path.dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({ options: { store: { type: 'string' } } });
const storeRoot = path.resolve(values.store ?? '.llm-provenance');

const redis = await startRedisServer('dispatch-redis-');
const primary = await startEmulator();
const secondary = await startEmulator();
primary.enqueue({ kind: 'error', status: 429, message: 'Rate limit reached for gpt-4o-mini' });

const children = [];
/** Starts `script` as service `name` under the register hook; resolves with its first stdout line. */
async function run(name, script, env) {
  const child = spawn(process.execPath, ['--import', '@llm-provenance/auto-instrumentations/register', script], {
    cwd: here,
    env: {
      ...process.env,
      REDIS_URL: redis.url,
      PRIMARY_URL: `${primary.url}/v1`,
      SECONDARY_URL: `${secondary.url}/v1`,
      OPENAI_API_KEY: 'sk-example-not-a-real-key',
      OTEL_SERVICE_NAME: name,
      LLM_PROVENANCE_DIR: path.join(storeRoot, name),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout });
  const [first] = await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`${name} exited with ${code} before it was ready`))),
  ]);
  lines.on('line', (line) => console.log(`${name}: ${line}`));
  return first;
}

let exitCode = 0;
try {
  const [listening] = await Promise.all([
    run('dispatcher', 'dispatcher.mjs'),
    run('worker-1', 'worker.mjs', { WORKER_ID: 'worker-1' }),
    run('worker-2', 'worker.mjs', { WORKER_ID: 'worker-2' }),
  ]);
  const dispatcher = `http://127.0.0.1:${listening.split(' ')[1]}/tasks`;
  const requests = [
    ['alice', 'Summarise ticket 1001'],
    ['bob', 'Translate the release notes'],
    ['alice', 'Draft a reply to ticket 1001'],
    ['bob', 'List the open questions'],
  ];
  const results = await Promise.all(
    requests.map(async ([user, prompt]) => {
      const res = await fetch(dispatcher, { method: 'POST', headers: { 'x-user-id': user }, body: JSON.stringify({ prompt }) });
      const body = await res.json();
      if (!res.ok) throw new Error(`${user}: ${res.status} ${body.error}`);
      return { user, ...body };
    }),
  );
  for (const { user, taskId, backend } of results) console.log(`task ${taskId} for ${user}: answered by ${backend}`);
} catch (err) {
  console.error(err.message);
  exitCode = 1;
} finally {
  // Each process closes its queue connections on SIGTERM and exits, flushing its spans.
  await Promise.all(
    children.map((child) => {
      if (child.exitCode !== null) return undefined;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      return exited;
    }),
  );
  await Promise.all([primary.close(), secondary.close()]);
  await redis.stop();
}
console.log(`stores in ${path.relative(process.cwd(), storeRoot) || '.'}`);
process.exit(exitCode);
