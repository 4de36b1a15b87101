/** The llm-provenance CLI run in a child process for the IPFS tests (asynchronously: a loopback server may answer from the test process). */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/llm-provenance.cjs');

/** Runs the CLI in a child process (asynchronously: the RPC server answers from this process). */
export function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string[]; err: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LLM_PROVENANCE_IPFS_API: '', LLM_PROVENANCE_IPFS_PEERS: '', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out: out.trim().split('\n'), err: err.trim() })));
}
