import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('abandoned streams', () => {
  it('end their span at the last chunk once the async generator is garbage-collected (--expose-gc child)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', 'abandoned-generator.cjs'], { cwd: fixtures });
    const out = JSON.parse(stdout);
    expect(out.before).toBe(0);
    expect(out.spans).toHaveLength(1);
    expect(out.spans[0].attributes['gen_ai.output.messages']).toBe(
      JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'one' }], finish_reason: 'stop' }]),
    );
    expect(out.spans[0].endMs).toBeLessThanOrEqual(out.droppedAt + 1);
  });
});
