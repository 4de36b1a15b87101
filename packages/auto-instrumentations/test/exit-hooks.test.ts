import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testTempDir } from '@llm-provenance/test-support';

const APP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/exit-app.mjs');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  exported: string[];
}

function run(env: Record<string, string>, sendSignal?: NodeJS.Signals): Promise<Outcome> {
  const outFile = path.join(testTempDir('exit-hooks-'), 'exported.txt');
  const child = spawn(process.execPath, [APP], { env: { PATH: process.env.PATH, OUT_FILE: outFile, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  let signalled = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    if (sendSignal && !signalled && stdout.includes('READY')) {
      signalled = true;
      child.kill(sendSignal);
    }
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const exported = existsSync(outFile) ? readFileSync(outFile, 'utf8').split('\n').filter(Boolean) : [];
      resolve({ code, signal, stdout, exported });
    });
  });
}

describe('exit hooks', () => {
  it('flush and shut down a script that simply ends, although the batch processor would still be waiting', async () => {
    expect(await run({ MODE: 'end' })).toEqual({ code: 0, signal: null, stdout: '', exported: ['work', 'shutdown'] });
  });

  it('are what saves the span: without them a short script loses it', async () => {
    expect(await run({ MODE: 'end', EXIT_HOOKS: 'off' })).toEqual({ code: 0, signal: null, stdout: '', exported: [] });
  });

  it('shut down on SIGTERM, then let the process die of SIGTERM as it would have', async () => {
    expect(await run({ MODE: 'wait' }, 'SIGTERM')).toEqual({ code: null, signal: 'SIGTERM', stdout: 'READY\n', exported: ['work', 'shutdown'] });
  });

  it('shut down on SIGINT, then let the process die of SIGINT', async () => {
    expect(await run({ MODE: 'wait' }, 'SIGINT')).toEqual({ code: null, signal: 'SIGINT', stdout: 'READY\n', exported: ['work', 'shutdown'] });
  });

  it("only flush when the app handles SIGTERM itself, and leave the exit to the app's handler", async () => {
    // The app exits with process.exit(), which skips beforeExit: the exporter is flushed but never shut down.
    expect(await run({ MODE: 'wait-handler' }, 'SIGTERM')).toEqual({
      code: 7,
      signal: null,
      stdout: 'READY\napp handler ran\n',
      exported: ['work'],
    });
  });
});
