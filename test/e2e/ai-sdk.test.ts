/**
 * An unmodified app calling the emulator through the Vercel AI SDK (fixtures/ai-sdk-calls.mjs), started
 * with `node --import .../register`: the store holds exactly one GenAI record per model call (two steps of
 * generateText, one streamText, one embed), each from the AI SDK instrumentation and with its payload
 * CIDs, and `report` counts four calls. With the AI SDK's own telemetry on, its spans are stored and
 * exported too, in the same traces, each GenAI record the child of the AI SDK span of its model call.
 * The same for the 7 line (Node >= 22), whose own spans come from @ai-sdk/otel's LegacyOpenTelemetry.
 */
import { describe, expect, it } from 'vitest';
import { buildReport, verifyStore } from '@llm-provenance/cid-exporter';
import { nodeMajor } from '@llm-provenance/test-support';
import { allStoreBytes, PLANTED_API_KEY, provenanceOf, readStore, runApp } from '../harness/index.js';

const isGenAI = (attributes: Record<string, unknown>): boolean =>
  typeof attributes['gen_ai.operation.name'] === 'string' || typeof attributes['gen_ai.provider.name'] === 'string';

/**
 * The AI SDK lines the fixture runs: 6, and 7 (whose packages need Node >= 22). The 7 line runs only the
 * language model calls of generateText and streamText in the context of its own model-call span, so an
 * embed's GenAI record has no AI SDK parent there.
 */
const LINES = [
  { line: '6', skip: false as string | false, embedParent: 'ai.embed.doEmbed' as string | undefined },
  {
    line: '7',
    skip: nodeMajor < 22 ? `skipped: the AI SDK 7 line needs Node >= 22, this is Node ${process.versions.node}` : false,
    embedParent: undefined,
  },
];
const title = (text: string, skip: string | false): string => (skip ? `${text} (${skip})` : text);

for (const { line, skip, embedParent } of LINES) {
  for (const telemetry of [false, true]) {
    describe(title(`an AI SDK ${line} app under the register, ${telemetry ? 'with' : 'without'} experimental_telemetry`, skip), () => {
      it.skipIf(skip !== false)('stores one GenAI record per model call', async () => {
        const run = await runApp({
          module: 'esm',
          app: 'fixtures/ai-sdk-calls.mjs',
          scenarios: [{ kind: 'tool_call', name: 'weather', arguments: { city: 'Paris' } }],
          env: { AI_SDK_TELEMETRY: telemetry ? '1' : '0', AI_SDK_LINE: line },
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
          expect(parents.map((p) => p?.name)).toEqual(['ai.generateText.doGenerate', 'ai.generateText.doGenerate', 'ai.streamText.doStream', embedParent]);
          for (const [i, record] of genAI.entries()) if (parents[i]) expect(record.traceId).toBe(parents[i].traceId);
          // The OTLP export carries the same spans.
          expect(run.spans.map((s) => s.name).sort()).toEqual(records.map((r) => r.name).sort());
        }
        expect(run.otlpBytes.includes(PLANTED_API_KEY)).toBe(false);
        expect(allStoreBytes(run.storeDir!).includes(PLANTED_API_KEY)).toBe(false);
      });
    });
  }
}

for (const { line, skip } of LINES) {
  describe(title(`an AI SDK ${line} app under the register, inside withAttribution`, skip), () => {
    it.skipIf(skip !== false)('sends no trace context or baggage with the model call, and both with a plain request', async () => {
      const run = await runApp({ module: 'esm', app: 'fixtures/ai-sdk-attributed.mjs', env: { AI_SDK_LINE: line } });
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
}
