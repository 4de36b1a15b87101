/**
 * verify while another process is writing: reading checkpoints, then logs, then packs means a live
 * store never shows a false break (torn tails and unsigned tails are notes, not failures).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { verifyStore, type VerifyReport } from '@llm-provenance/cid-exporter';
import { tmpDir, WRITER } from './verify-fixture.js';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));

/** The package's writer: CidSpanExporter through the OTel SDK. */
const REAL_WRITER = `
const { createRequire } = require('node:module');
const req = createRequire(${JSON.stringify(path.join(pkgDir, 'package.json'))});
const { SimpleSpanProcessor, TracerProvider } = req('@opentelemetry/sdk-trace');
const { CidSpanExporter } = req(${JSON.stringify(pkgDir)});
const exporter = new CidSpanExporter({ dir: process.argv[1], checkpointEvery: 7, checkpointIntervalMs: 0 });
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
const tracer = provider.getTracer('live');
let i = 0;
(async () => {
  for (let round = 0; round < Number(process.argv[2]); round++) {
    for (let k = 0; k < 10; k++, i++) {
      const s = tracer.startSpan('chat m', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': 'q' + (i % 5), 'gen_ai.output.messages': 'a' + i } });
      s.end();
    }
    await provider.forceFlush();
    await new Promise((r) => setTimeout(r, 5));
  }
  await provider.shutdown();
  process.stdout.write(String(i));
})();
`;

/** The spec writer (./verify-fixture-writer.mjs) writing the same spans in the same rounds. */
const SPEC_WRITER = `
const { SpecLogWriter } = await import(${JSON.stringify(new URL('./verify-fixture-writer.mjs', import.meta.url).href)});
const w = new SpecLogWriter(process.argv[1], { checkpointEvery: 7, resource: { 'service.name': 'live' } });
let i = 0;
for (let round = 0; round < Number(process.argv[2]); round++) {
  for (let k = 0; k < 10; k++, i++) {
    w.appendSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat m', start: '1', end: '2', attributes: { 'gen_ai.operation.name': 'chat' }, input: { 'gen_ai.input.messages': 'q' + (i % 5) }, output: { 'gen_ai.output.messages': 'a' + i } });
  }
  w.flush();
  await new Promise((r) => setTimeout(r, 5));
}
w.close();
process.stdout.write(String(i));
`;

describe('verify during writes', () => {
  it('reports no failure for a store another process is appending to', async () => {
    const dir = path.join(tmpDir('live'), 'store');
    fs.mkdirSync(dir, { recursive: true });
    const args = WRITER === 'real' ? ['-e', REAL_WRITER] : ['--input-type=module', '-e', SPEC_WRITER];
    const child = spawn(process.execPath, [...args, dir, '80'], { stdio: ['ignore', 'pipe', 'inherit'], cwd: pkgDir });
    let written = '';
    child.stdout.on('data', (d) => (written += d));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const reports: VerifyReport[] = [];
    let running = true;
    void exited.then(() => (running = false));
    while (running) {
      if (fs.existsSync(path.join(dir, 'logs'))) reports.push(verifyStore(dir));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(await exited).toBe(0);
    const during = reports.filter((r) => r.logs.length > 0);
    expect(during.length).toBeGreaterThan(5);
    for (const r of during) expect(r.failures).toEqual([]);
    // something was caught mid-flight: records not yet under a checkpoint
    expect(during.some((r) => r.notes.some((n) => n.detail.includes('not yet covered by a signed checkpoint')))).toBe(true);
    const final = verifyStore(dir);
    expect(final.ok).toBe(true);
    expect(final.logs[0]!.records).toBe(Number(written));
    expect(final.logs[0]!.signedSize).toBe(Number(written));
  });
});
