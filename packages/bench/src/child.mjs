// Runs the bench's child processes: Node with the same binary, optionally pinned to one CPU with taskset
// (so a measured process is not migrated between cores mid-block), output captured, failures loud.
import { spawn, spawnSync } from 'node:child_process';
import * as os from 'node:os';

/** The CPU measured processes are pinned to: BENCH_CPU, else 1 (0 on a one-CPU machine). */
export const PIN_CPU = process.env.BENCH_CPU ?? (os.availableParallelism() > 1 ? '1' : '0');

/** Whether `taskset -c PIN_CPU` works here (util-linux; absent on macOS and some containers). */
export const CAN_PIN = spawnSync('taskset', ['-c', PIN_CPU, process.execPath, '-e', '0'], { stdio: 'ignore' }).status === 0;

/**
 * Runs `node ...args`; resolves with its exit status, output and wall time. `pin` pins it to PIN_CPU.
 * Never rejects for a failing child: the caller decides (see resultOf).
 */
export function runNode(args, { cwd, env = process.env, pin = false, timeoutMs = 15 * 60_000 } = {}) {
  const [command, commandArgs] = pin && CAN_PIN ? ['taskset', ['-c', PIN_CPU, process.execPath, ...args]] : [process.execPath, args];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, commandArgs, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (chunk) => stdout.push(chunk));
    child.stderr.on('data', (chunk) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        wallMs: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
  });
}

/** The JSON a worker printed on its `BENCH_RESULT ` line; throws with its output if it failed. */
export function resultOf(what, run) {
  const line = run.stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
  if (run.code !== 0 || !line) {
    throw new Error(`${what} failed (exit ${run.code ?? run.signal}):\n${run.stderr.trim() || run.stdout.trim()}`);
  }
  return JSON.parse(line.slice('BENCH_RESULT '.length));
}
