// A throwaway redis-server for tests and examples. Plain JavaScript (typed by redis-server.d.mts), unlike
// the rest of this package, so that an example run with plain `node` can import it too
// (`@llm-provenance/test-support/redis-server`).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Whether Debian's `redis-server` is on PATH (`.ci/run` installs it). */
export const HAVE_REDIS_SERVER = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * A throwaway redis-server on 127.0.0.1: a free port (redis-server has no `--port 0`, so the port is
 * found by binding 127.0.0.1:0 first), no persistence, its working dir a temp dir that `stop()` removes.
 * Resolves once the server answers PING.
 * @param {string} [prefix] of the temp dir's name
 * @returns {Promise<import('./redis-server.d.mts').RedisServer>}
 */
export async function startRedisServer(prefix = 'redis-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    try {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await whenAnswersPing(child, port);
  } catch (err) {
    await stop();
    throw err;
  }
  return { host: '127.0.0.1', port, url: `redis://127.0.0.1:${port}`, stop };
}

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls PING (each try starts when the previous connection was refused) until +PONG; fails if the
 * server cannot start or exits first, or after 10 s.
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} port
 * @returns {Promise<void>}
 */
function whenAnswersPing(child, port) {
  return new Promise((resolve, reject) => {
    let output = '';
    let done = false;
    const fail = (/** @type {Error} */ error) => {
      if (done) return;
      done = true;
      reject(error);
    };
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    child.once('error', (err) => fail(new Error(`cannot start redis-server (${err.message}); install it, e.g. apt-get install redis-server`)));
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
    const deadline = Date.now() + 10_000;
    const ping = () => {
      if (done) return;
      if (Date.now() > deadline) return fail(new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${output}`));
      const socket = createConnection({ host: '127.0.0.1', port });
      let reply = '';
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        reply += chunk;
        if (!reply.includes('\r\n')) return;
        socket.destroy();
        if (reply.startsWith('+PONG')) {
          done = true;
          resolve();
        } else setImmediate(ping);
      });
      socket.on('error', () => {
        socket.destroy();
        setImmediate(ping);
      });
    };
    ping();
  });
}
