import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { MAJORS } from './helpers.js';

const run = promisify(execFile);
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('in a child process', () => {
  for (const { label, from, available } of MAJORS) {
    it.skipIf(!available)(`patches openai ${label} loaded through \`import\` (import-in-the-middle, ESM entry index.mjs)`, async () => {
      // openai 6 is this package's own dependency; the compat copies are reached through their esm-entry.mjs.
      const entry = from.includes('test/compat') ? [pathToFileURL(path.join(path.dirname(from), 'esm-entry.mjs')).href] : [];
      const { stdout } = await run(process.execPath, ['--import', './esm-register.mjs', 'esm-app.mjs', ...entry], { cwd: fixtures });
      const out = JSON.parse(stdout);
      expect(out.reply).toBe('Echo: hi');
      expect(out.streamed).toBe('Echo: hi');
      expect(out.cjsOpenAILoaded).toBe(false);
      expect(out.spans.map((s: any) => s.name)).toEqual(['chat gpt-4o-mini', 'chat gpt-4o-mini']);
      expect(out.spans[0].attributes['gen_ai.response.id']).toBe('chatcmpl-emu-1');
      expect(out.spans[0].attributes['gen_ai.output.messages']).toBe(
        JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo: hi' }], finish_reason: 'stop' }]),
      );
      expect(out.spans[1].attributes['gen_ai.request.stream']).toBe(true);
      expect(out.spans[1].attributes['gen_ai.response.finish_reasons']).toEqual(['stop']);
      expect(out.spans[1].attributes['provenance.provider.request_id']).toBe('req_emu_2');
    });
  }

  it('ends the span of a stream that is abandoned and garbage-collected (--expose-gc)', async () => {
    const { stdout } = await run(process.execPath, ['--expose-gc', 'abandoned-stream.cjs'], { cwd: fixtures });
    const out = JSON.parse(stdout);
    expect(out.before).toBe(0);
    expect(out.spans).toHaveLength(1);
    const [span] = out.spans;
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes['gen_ai.response.id']).toBe('chatcmpl-emu-1');
    expect(span.attributes['gen_ai.output.messages']).toBe(
      JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Echo:' }], finish_reason: 'error' }]),
    );
    // Ended at the last chunk's time, not at collection time.
    expect(span.endMs).toBeLessThanOrEqual(out.droppedAt + 1);
  });
});
