// A throwaway redis-server on 127.0.0.1 for the example: a free port (redis-server has no `--port 0`),
// no persistence, its working directory a temp dir removed by stop(). Needs `redis-server` on PATH
// (Debian/Ubuntu: apt-get install redis-server).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export async function startRedis() {
  const dir = mkdtempSync(path.join(tmpdir(), 'dispatch-redis-'));
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await whenAnswersPing(child, port);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `redis://127.0.0.1:${port}`, stop };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Tries PING again each time the connection is refused, until +PONG; fails if redis-server exits. */
function whenAnswersPing(child, port) {
  return new Promise((resolve, reject) => {
    let output = '';
    let done = false;
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (err) => {
      done = true;
      reject(new Error(`cannot start redis-server (${err.message}); install it, e.g. apt-get install redis-server`));
    });
    child.once('exit', (code) => {
      if (!done) {
        done = true;
        reject(new Error(`redis-server exited with ${code}:\n${output}`));
      }
    });
    const deadline = Date.now() + 10_000;
    const ping = () => {
      if (done) return;
      if (Date.now() > deadline) {
        done = true;
        return reject(new Error(`redis-server did not answer PING within 10 s:\n${output}`));
      }
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        socket.destroy();
        if (String(chunk).startsWith('+PONG')) {
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
