/**
 * An unmodified app calling the emulator through the Vercel AI SDK (fixtures/ai-sdk-calls.mjs), started
 * with `node --import .../register`: the store holds exactly one GenAI record per model call (two steps of
 * generateText, one streamText, one embed), each from the AI SDK instrumentation and with its payload
 * CIDs, and `report` counts four calls. With the AI SDK's own telemetry on, its spans are stored and
 * exported too, in the same traces, each GenAI record the child of the AI SDK span of its model call.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, verifyStore } from '@llm-provenance/cid-exporter';
import { allStoreBytes, PLANTED_API_KEY, provenanceOf, readStore, runApp } from '../harness/index.js';

const isGenAI = (attributes: Record<string, unknown>): boolean =>
  typeof attributes['gen_ai.operation.name'] === 'string' || typeof attributes['gen_ai.provider.name'] === 'string';

describe.each([
  ['without', false],
  ['with', true],
])('an AI SDK app under the register, %s experimental_telemetry', (_label, telemetry) => {
  it('stores one GenAI record per model call', async () => {
    const run = await runApp({
      module: 'esm',
      app: 'fixtures/ai-sdk-calls.mjs',
      scenarios: [{ kind: 'tool_call', name: 'weather', arguments: { city: 'Paris' } }],
      env: { AI_SDK_TELEMETRY: telemetry ? '1' : '0' },
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(
      run.stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as unknown),
    ).toEqual([{ steps: 2, text: 'Echo: What is the weather in Paris?' }, { streamed: 'Echo: hello stream' }, { dimensions: 1536 }]);
    expect(run.emulatorRequests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/responses', '/v1/embeddings']);

    const { logs } = await readStore(run.storeDir!);
    expect(logs).toHaveLength(1);
    const records = logs[0]!.records;
    const genAI = records.filter((r) => isGenAI(r.attributes ?? {}));
    expect(genAI.map((r) => [r.name, r.scope.name, r.attributes['gen_ai.response.id'] ?? null])).toEqual([
      ['chat gpt-4o-mini', '@llm-provenance/instrumentation-ai-sdk', 'chatcmpl-emu-1'],
      ['chat gpt-4o-mini', '@llm-provenance/instrumentation-ai-sdk', 'chatcmpl-emu-2'],
      ['chat gpt-4o-mini', '@llm-provenance/instrumentation-ai-sdk', 'resp-emu-3'],
      ['embeddings text-embedding-3-small', '@llm-provenance/instrumentation-ai-sdk', null],
    ]);
    // Every GenAI record has its input stored by CID; the chat calls their output too.
    for (const record of genAI) {
      const seq = records.indexOf(record);
      const cids = await provenanceOf(run, seq);
      expect(cids['provenance.input.cid']).toMatch(/^b/);
      if (record.attributes['gen_ai.operation.name'] === 'chat') expect(cids['provenance.output.cid']).toMatch(/^b/);
    }
    expect(buildReport(run.storeDir!).totals.calls).toBe(4);
    expect((await verifyStore(run.storeDir!)).ok).toBe(true);

    const aiSdk = records.filter((r) => r.scope.name === 'ai');
    if (!telemetry) {
      expect(aiSdk).toEqual([]);
      expect(records).toHaveLength(4);
    } else {
      expect(aiSdk.map((r) => r.name).sort()).toEqual(
        [
          'ai.generateText',
          'ai.generateText.doGenerate',
          'ai.generateText.doGenerate',
          'ai.toolCall',
          'ai.streamText',
          'ai.streamText.doStream',
          'ai.embed',
          'ai.embed.doEmbed',
        ].sort(),
      );
      expect(records).toHaveLength(12);
      const bySpanId = new Map(records.map((r) => [r.spanId, r]));
      const parents = genAI.map((r) => bySpanId.get(r.parentSpanId));
      expect(parents.map((p) => p?.name)).toEqual(['ai.generateText.doGenerate', 'ai.generateText.doGenerate', 'ai.streamText.doStream', 'ai.embed.doEmbed']);
      for (const [i, record] of genAI.entries()) expect(record.traceId).toBe(parents[i]!.traceId);
      // The OTLP export carries the same spans.
      expect(run.spans.map((s) => s.name).sort()).toEqual(records.map((r) => r.name).sort());
    }
    expect(run.otlpBytes.includes(PLANTED_API_KEY)).toBe(false);
    expect(allStoreBytes(run.storeDir!).includes(PLANTED_API_KEY)).toBe(false);
  });
});

describe('an AI SDK app under the register, inside withAttribution', () => {
  it('sends no trace context or baggage with the model call, and both with a plain request', async () => {
    const run = await runApp({ module: 'esm', app: 'fixtures/ai-sdk-attributed.mjs' });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ text: 'Echo: hello', models: 200 });
    const seen = run.emulatorRequests.map((r) => ({
      path: r.path,
      baggage: r.headers.baggage ?? null,
      traceparent: typeof r.headers.traceparent === 'string',
    }));
    expect(seen).toEqual([
      { path: '/v1/chat/completions', baggage: null, traceparent: false },
      { path: '/v1/models', baggage: 'enduser.id=alice,provenance.task.id=task-7', traceparent: true },
    ]);
  });
});
