/**
 * verify while another process is writing: reading checkpoints, then logs, then packs means a live
 * store never shows a false break (torn tails and unsigned tails are notes, not failures).
 *
 * The writer and the test take turns by message, not by clock: after each round of spans the writer
 * reports `flushed` and waits for `go`; the test answers `go` and verifies at once, while the writer is
 * appending the next round. So every round is verified once, each time with a write under way.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
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
const go = require('node:readline').createInterface({ input: process.stdin })[Symbol.asyncIterator]();
let i = 0;
(async () => {
  for (let round = 0; round < Number(process.argv[2]); round++) {
    for (let k = 0; k < 10; k++, i++) {
      const s = tracer.startSpan('chat m', { attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.input.messages': 'q' + (i % 5), 'gen_ai.output.messages': 'a' + i } });
      s.end();
    }
    await provider.forceFlush();
    process.stdout.write('flushed\\n');
    await go.next();
  }
  await provider.shutdown();
  process.stdout.write('records ' + i + '\\n');
  process.stdin.destroy();
})();
`;

/** The spec writer (./verify-fixture-writer.mjs) writing the same spans in the same rounds. */
const SPEC_WRITER = `
const { SpecLogWriter } = await import(${JSON.stringify(new URL('./verify-fixture-writer.mjs', import.meta.url).href)});
const { createInterface } = await import('node:readline');
const go = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const w = new SpecLogWriter(process.argv[1], { checkpointEvery: 7, resource: { 'service.name': 'live' } });
let i = 0;
for (let round = 0; round < Number(process.argv[2]); round++) {
  for (let k = 0; k < 10; k++, i++) {
    w.appendSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 'chat m', start: '1', end: '2', attributes: { 'gen_ai.operation.name': 'chat' }, input: { 'gen_ai.input.messages': 'q' + (i % 5) }, output: { 'gen_ai.output.messages': 'a' + i } });
  }
  w.flush();
  process.stdout.write('flushed\\n');
  await go.next();
}
w.close();
process.stdout.write('records ' + i + '\\n');
process.stdin.destroy();
`;

describe('verify during writes', () => {
  it('reports no failure for a store another process is appending to', async () => {
    const dir = path.join(tmpDir('live'), 'store');
    fs.mkdirSync(dir, { recursive: true });
    const args = WRITER === 'real' ? ['-e', REAL_WRITER] : ['--input-type=module', '-e', SPEC_WRITER];
    const rounds = 80;
    const child = spawn(process.execPath, [...args, dir, String(rounds)], { stdio: ['pipe', 'pipe', 'inherit'], cwd: pkgDir });
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    const reports: VerifyReport[] = [];
    let written = -1;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line === 'flushed') {
        child.stdin.write('go\n');
        reports.push(verifyStore(dir));
      } else if (line.startsWith('records ')) {
        written = Number(line.slice('records '.length));
      }
    }
    expect(await exited).toBe(0);
    const during = reports.filter((r) => r.logs.length > 0);
    expect(during).toHaveLength(rounds);
    for (const r of during) expect(r.failures).toEqual([]);
    // something was caught mid-flight: records not yet under a checkpoint
    expect(during.some((r) => r.notes.some((n) => n.detail.includes('not yet covered by a signed checkpoint')))).toBe(true);
    const final = verifyStore(dir);
    expect(final.ok).toBe(true);
    expect(written).toBe(rounds * 10);
    expect(final.logs[0]!.records).toBe(written);
    expect(final.logs[0]!.signedSize).toBe(written);
  });
});
