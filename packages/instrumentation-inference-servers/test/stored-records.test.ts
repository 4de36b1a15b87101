import { SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { expect, it } from 'vitest';
import { CidSpanExporter, readStoreRecords, storeSpanViews, verifyStore } from '@llm-provenance/cid-exporter';
import { InferenceServersInstrumentation } from '@llm-provenance/instrumentation-inference-servers';
import { tei, tgi } from '@llm-provenance/provider-emulators';
import * as support from '@llm-provenance/test-support';
import { testTempDir, useEmulator } from '@llm-provenance/test-support';

/**
 * Inputs and outputs that are not chat messages (a TGI prompt and its generated text, TEI embedding
 * inputs, a rerank query with its texts and scores) reach the provenance store like messages do: each
 * span becomes a record whose input and output are content-addressed blocks, the CIDs the forwarded span
 * carries are the stored ones, the blocks give back the span's content, and the store verifies.
 */
const instrumentation = new InferenceServersInstrumentation();
const tgiEmu = useEmulator({ providers: [tgi] });
const teiEmu = useEmulator({ providers: [tei] });

it('stores TGI and TEI calls with the CIDs of their inputs and outputs', async () => {
  const dir = testTempDir('llmp-inference-store-');
  const forwarded = new support.SpanRecorder();
  const exporter = new CidSpanExporter({ dir, checkpointIntervalMs: 0, forwardTo: [forwarded] });
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  instrumentation.setTracerProvider(provider);
  instrumentation.setConfig({ servers: [{ profile: 'hf.tei', url: teiEmu.url }] });
  instrumentation.enable();
  try {
    const post = (url: string, body: object) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.text());
    await post(`${tgiEmu.url}/generate_stream`, { inputs: 'a b c', parameters: { details: true } });
    await post(`${teiEmu.url}/embed`, { inputs: ['first text', 'second'] });
    await post(`${teiEmu.url}/rerank`, { query: 'red fox', texts: ['a red fox', 'blue sky'] });
    const spans = await support.waitForSpans(forwarded, 3);
    await exporter.shutdown();

    const { records } = readStoreRecords(dir);
    expect(records.map((r) => r.record.type)).toEqual(['span', 'span', 'span']);
    const views = storeSpanViews(dir);
    for (const [seq, span] of spans.entries()) {
      const stored = records[seq]!;
      const input = (stored.record as { input?: { '/': string } }).input?.['/'];
      const output = (stored.record as { output?: { '/': string } }).output?.['/'];
      expect(span.attributes).toMatchObject({
        'provenance.record.cid': stored.cid,
        'provenance.log.seq': seq,
        'provenance.input.cid': input,
        ...(output ? { 'provenance.output.cid': output } : {}),
      });
      expect(input).toMatch(/^b[a-z2-7]+$/);
      // What the blocks give back is what the span said.
      expect(views[seq]!.attributes['gen_ai.input.messages']).toBe(span.attributes['gen_ai.input.messages']);
      expect(views[seq]!.attributes['gen_ai.output.messages']).toBe(span.attributes['gen_ai.output.messages']);
    }
    // The generated text and the rerank scores are outputs with CIDs; embeddings have no output content.
    expect(spans.map((s) => [s.name, typeof s.attributes['provenance.output.cid']])).toEqual([
      ['text_completion', 'string'],
      ['embeddings', 'undefined'],
      ['rerank', 'string'],
    ]);
    expect(views.map((v) => v.attributes['gen_ai.input.messages'])).toEqual([
      JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'a b c' }] }]),
      JSON.stringify([
        { role: 'user', parts: [{ type: 'text', content: 'first text' }] },
        { role: 'user', parts: [{ type: 'text', content: 'second' }] },
      ]),
      JSON.stringify([
        {
          role: 'user',
          parts: [
            { type: 'text', content: 'red fox' },
            { type: 'text', content: 'a red fox' },
            { type: 'text', content: 'blue sky' },
          ],
        },
      ]),
    ]);
    expect(verifyStore(dir).ok).toBe(true);
  } finally {
    instrumentation.disable();
    await provider.shutdown();
  }
});
