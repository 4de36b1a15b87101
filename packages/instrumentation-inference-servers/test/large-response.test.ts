import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';

/**
 * A 100 MB streamed response passes through with the instrumentation on while the process's memory stays
 * flat: the child measures the peak growth of its own live memory (heap plus Buffers, right after a full
 * collection) while reading. The server runs here, in the test process, so it is not counted. The figure
 * is memory, not time, and it does not depend on when the collector happens to run.
 */
const SIZE = 100 * 1024 * 1024;
const CHILD = fileURLToPath(new URL('./fixtures/large-response-child.mjs', import.meta.url));

/** One block of OpenAI-style chunk events, about 64 KiB. */
const EVENT = `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'big', choices: [{ index: 0, delta: { content: 'x'.repeat(400) }, finish_reason: null }] })}\n\n`;
const BLOCK = Buffer.from(EVENT.repeat(Math.floor(65536 / EVENT.length)));
const TAIL = Buffer.from(
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'big', choices: [{ index: 0, delta: {}, finish_reason: 'length' }] })}\n\n` +
    `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'big', choices: [], usage: { prompt_tokens: 1, completion_tokens: 12345, total_tokens: 12346 } })}\n\ndata: [DONE]\n\n`,
);

let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    const total = Number(new URL(req.url!, 'http://x').searchParams.get('bytes'));
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += BLOCK.length;
        if (!res.write(BLOCK)) return void res.once('drain', pump);
      }
      res.end(TAIL);
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface ChildResult {
  read: number;
  growth: number;
  spans: Array<Record<string, unknown>>;
}

function runChild(mode: 'on' | 'off'): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--expose-gc', CHILD, url, String(SIZE), mode], (err, out, errOut) =>
      err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(JSON.parse(out) as ChildResult),
    );
  });
}

const MiB = 1024 * 1024;

it('streams 100 MB through with the live memory of the reading process bounded far below the body', async () => {
  const without = await runChild('off');
  const result = await runChild('on');
  expect(without.spans).toHaveLength(0);
  expect(result.read).toBeGreaterThanOrEqual(SIZE);
  // Observation keeps at most the default bound (4 MiB) of content; the rest of the 100 MB is garbage as
  // soon as it is seen. Holding the body would take over 100 MiB. The uninstrumented read already holds
  // about 24 MiB: what undici buffers from a server that writes faster than the reader reads. Peak RSS,
  // which also counts garbage not yet collected, is a benchmark's figure (`pnpm bench`, the http section),
  // not this test's.
  expect(result.growth).toBeLessThan(64 * MiB);
  expect(result.growth - without.growth).toBeLessThan(12 * MiB);
  expect(result.spans).toHaveLength(1);
  expect(result.spans[0]).toMatchObject({
    'provenance.http.body_truncated': true,
    'gen_ai.response.finish_reasons': ['length'],
    'gen_ai.usage.output_tokens': 12345,
  });
  expect(result.spans[0]!.outputLength).toBeLessThan(5 * 1024 * 1024);
  console.log(`100 MB streamed: peak live-memory growth ${(result.growth / MiB).toFixed(1)} MiB on, ${(without.growth / MiB).toFixed(1)} MiB off`);
});
