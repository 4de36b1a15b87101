/**
 * Drives fixtures/fault-child.cjs (the BUILT exporter under the fault-injecting fs preload
 * fixtures/fs-faults.cjs) one command at a time over stdin/stdout. Shared by the storage-fault tests here
 * and the storage-fault family of test/adversarial.
 */
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import * as readline from 'node:readline';
import { logFiles, mfCid, readLines } from './store-helpers.js';

const CHILD = path.join(__dirname, 'fixtures', 'fault-child.cjs');
const PRELOAD = path.join(__dirname, 'fixtures', 'fs-faults.cjs');

export interface Exported {
  code: number;
  forwarded: (string | null)[];
}

/** A fault-child process driven one command at a time (each answered by one stdout line). */
export function startFaultChild(dir: string) {
  const child = spawn(process.execPath, ['--require', PRELOAD, CHILD, dir], {
    env: { ...process.env, FS_FAULTS_DIR: dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const answers = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return {
    async send<T = Record<string, unknown>>(command: string): Promise<T> {
      child.stdin.write(command + '\n');
      const next = await answers.next();
      if (next.done) throw new Error(`child exited before answering ${command}: ${stderr}`);
      return JSON.parse(next.value) as T;
    },
    exited,
    stderr: () => stderr,
  };
}

/** CIDs of every record line of every log of the store, computed independently (multiformats). */
export async function storedRecordCids(dir: string): Promise<Set<string>> {
  const cids = new Set<string>();
  for (const f of logFiles(dir)) for (const line of readLines(dir, f.slice(0, -'.jsonl'.length))) cids.add(await mfCid(0x0129, line));
  return cids;
}
