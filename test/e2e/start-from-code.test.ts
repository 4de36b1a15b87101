/** The typed start() API, used as the README shows: from a file preloaded with --require. */
import { describe, expect, it } from 'vitest';
import { INSTRUMENTATIONS } from '@llm-provenance/auto-instrumentations';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { expectProcessResource, readStore, runApp, testTempDir } from '../harness/index.js';

describe('start() from a --require file', () => {
  it('uses its options over the environment: store and OTLP/JSON on although the env turns them off', async () => {
    const storeDir = testTempDir('start-from-code-');
    const run = await runApp({
      module: 'cjs',
      preload: './fixtures/tracing-start.cjs',
      app: 'fixtures/openai-chat.cjs',
      protocol: false,
      store: false,
      env: { STORE_FROM_CODE: storeDir },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const [setup, answer] = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // Every backend of the built-in list loaded; none was skipped.
    expect(setup).toEqual({ storeDir, instrumentations: INSTRUMENTATIONS.map((entry) => entry.name), skipped: [] });
    expect(answer.id).toBe('chatcmpl-emu-1');
    expect(run.exports.map((received) => received.protocol)).toEqual(['http/json']);
    expect(run.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
    expectProcessResource(run.spans[0]!, 'billing');
    const { logs } = await readStore(storeDir);
    expect(run.spans[0]!.attributes['provenance.record.cid']).toBe(logs[0]!.cids[0]);
    expect(verifyStore(storeDir).ok).toBe(true);
  });
});
