/**
 * Runs fixtures/export-child.cjs (the BUILT exporter in a real child process) and collects the records it
 * acknowledged: one it printed after its `export()` callback reported SUCCESS. Shared by the crash tests
 * here and the kill -9 family of test/adversarial.
 */
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';

export const EXPORT_CHILD = path.join(__dirname, 'fixtures', 'export-child.cjs');

export interface Acked {
  log: string;
  seq: number;
  cid: string;
}

export interface ExportChildRun {
  acked: Acked[];
  code: number | null;
  signal: string | null;
  lines: string[];
  stderr: string;
}

/** How to start the child: extra Node options (e.g. `--require` a preload) and environment. */
export interface ExportChildSpawn {
  execArgv?: string[];
  env?: NodeJS.ProcessEnv;
  /** The child is expected to die on its own (a preload kills it): its exit status is not an error. */
  killsItself?: boolean;
}

/**
 * Runs the child; resolves with its acknowledged records once it exits (or after we kill it). With
 * `killAfterAcks`, SIGKILL follows `killDelayMs()` ms after that many records were acknowledged, so the
 * kill lands somewhere in the next write (a timer, not a sleep: the child runs on meanwhile).
 */
export function runExportChild(
  dir: string,
  args: string[],
  killAfterAcks?: number,
  killDelayMs: () => number = () => Math.floor(Math.random() * 15),
  how: ExportChildSpawn = {},
): Promise<ExportChildRun> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [...(how.execArgv ?? []), EXPORT_CHILD, dir, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: how.env ?? process.env,
    });
    const acked: Acked[] = [];
    const lines: string[] = [];
    let buf = '';
    let stderr = '';
    let killed = false;
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (line.startsWith('ok ')) {
          for (const item of line.slice(3).split(' ')) {
            const [log, seq, cid] = item.split(':');
            acked.push({ log: log!, seq: Number(seq), cid: cid! });
          }
          if (killAfterAcks !== undefined && !killed && acked.length >= killAfterAcks) {
            killed = true;
            setTimeout(() => child.kill('SIGKILL'), killDelayMs());
          }
        }
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (killAfterAcks === undefined && !how.killsItself && code !== 0) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ acked, code, signal, lines, stderr });
    });
  });
}
