import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Whether Debian's `redis-server` is on PATH (`.ci/run` installs it). */
export const HAVE_REDIS_SERVER = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

export interface RedisServer {
  host: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * A throwaway redis-server on 127.0.0.1: a free port (redis-server has no `--port 0`, so the port is
 * found by binding 127.0.0.1:0 first), no persistence, its working dir a temp dir that `stop()` removes.
 * Resolves once the server answers PING.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'redis-test-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async (): Promise<void> => {
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
    await whenReady(child, port);
  } catch (err) {
    await stop();
    throw err;
  }
  return { host: '127.0.0.1', port, stop };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls PING (each try starts when the previous connection was refused) until +PONG; fails if the server exits. */
function whenReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let done = false;
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      if (!done) {
        done = true;
        reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`));
      }
    });
    const deadline = Date.now() + 10_000;
    const ping = (): void => {
      if (done) return;
      if (Date.now() > deadline) {
        done = true;
        reject(new Error(`redis-server on port ${port} did not answer PING within 10 s:\n${output}`));
        return;
      }
      const socket = createConnection({ host: '127.0.0.1', port });
      let reply = '';
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk: Buffer) => {
        reply += chunk.toString();
        if (reply.includes('\r\n')) {
          socket.destroy();
          if (reply.startsWith('+PONG')) {
            done = true;
            resolve();
          } else setImmediate(ping);
        }
      });
      socket.on('error', () => {
        socket.destroy();
        setImmediate(ping);
      });
    };
    ping();
  });
}
