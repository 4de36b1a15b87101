/**
 * What the instrumentation must not do, and what it shares with others: the user's result is the same
 * with it on, off or failing; a failed call ends its span as failed; capture off leaves no content; a
 * configured inference server names the provider and the request still gets only one span; an AI SDK
 * call made inside an openai SDK call's span and requests that are not the AI SDK's get none.
 */
import { SpanStatusCode } from '@opentelemetry/api';
import type { APICallError } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { InferenceServersInstrumentation } from '@llm-provenance/instrumentation-inference-servers';
import { resetBeforeEach, useEmulator, waitForSpans } from '@llm-provenance/test-support';
import { AI_SDK_LINES, API_KEY, genAISpans, lineTitle, setupTracing, useAiSdk } from './helpers.js';

const tracing = setupTracing();
const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);
afterEach(() => {
  tracing.instrumentation.setConfig({});
  tracing.instrumentation.enable();
});

const MODEL = 'gpt-4o-mini';

for (const line of AI_SDK_LINES) {
  describe.skipIf(line.skip !== false)(lineTitle(line), () => {
    const sdk = useAiSdk(line);
    const provider = () => sdk().openai.createOpenAI({ baseURL: `${emu.url}/v1`, apiKey: API_KEY });

    /** What the app sees of a streamText call: every part's type and text, in order. */
    async function streamedParts(prompt: string): Promise<string[]> {
      const result = sdk().ai.streamText({ model: provider().chat(MODEL), prompt });
      const parts: string[] = [];
      for await (const part of result.fullStream) parts.push(`${part.type}:${'text' in part ? part.text : ''}`);
      return parts;
    }

    describe('the user call', () => {
      it('gets the same stream parts with the instrumentation on as off', async () => {
        const traced = await streamedParts('one two three');
        expect(genAISpans(await waitForSpans(tracing.exporter, 1))).toHaveLength(1);
        tracing.instrumentation.disable();
        tracing.exporter.reset();
        const untraced = await streamedParts('one two three');
        expect(tracing.exporter.getFinishedSpans()).toEqual([]);
        // Only the ids differ between the two calls (the emulator numbers its responses).
        expect(traced.join('|').replaceAll('emu-1', 'emu-n')).toEqual(untraced.join('|').replaceAll('emu-2', 'emu-n'));
        expect(traced.filter((p) => p.startsWith('text-delta'))).toEqual(['text-delta:Echo:', 'text-delta: one', 'text-delta: two', 'text-delta: three']);
      });

      it('fails as it would untraced, and the span records the failure', async () => {
        emu.enqueue({ kind: 'error', status: 400, message: 'bad request body' });
        const error = await sdk()
          .ai.generateText({ model: provider().chat(MODEL), prompt: 'fail please', maxRetries: 0 })
          .catch((e: unknown) => e);
        expect(sdk().ai.APICallError.isInstance(error)).toBe(true);
        expect((error as APICallError).statusCode).toBe(400);
        const [span] = await waitForSpans(tracing.exporter, 1);
        expect(span!.status.code).toBe(SpanStatusCode.ERROR);
        expect(span!.attributes).toEqual({
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': MODEL,
          'server.address': '127.0.0.1',
          'server.port': emu.port,
          'openai.api.type': 'chat_completions',
          'provenance.credential.fingerprint': fingerprintCredential(API_KEY),
          'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'fail please' }] }]),
          'error.type': '400',
          'http.response.status_code': 400,
          'provenance.provider.request_id': 'req_emu_1',
        });
      });

      it('records no content when content capture is off', async () => {
        tracing.instrumentation.setConfig({ captureMessageContent: false });
        await sdk().ai.generateText({ model: provider().chat(MODEL), prompt: 'secret words' });
        const [span] = await waitForSpans(tracing.exporter, 1);
        expect(Object.keys(span!.attributes).filter((k) => k.endsWith('.messages') || k.includes('instructions') || k.includes('definitions'))).toEqual([]);
        expect(JSON.stringify(span!.attributes)).not.toContain('secret');
      });
    });

    describe('one span per request', () => {
      it('names a configured inference server as the provider, with one span for the OpenAI-compatible provider', async () => {
        const servers = new InferenceServersInstrumentation({ servers: [{ profile: 'vllm', url: emu.url }] });
        servers.setTracerProvider(tracing.provider);
        servers.enable();
        try {
          const vllm = sdk().compatible.createOpenAICompatible({ name: 'vllm', baseURL: `${emu.url}/v1`, apiKey: API_KEY });
          const { text } = await sdk().ai.generateText({ model: vllm.chatModel('qwen'), prompt: 'hello vllm' });
          expect(text).toBe('Echo: hello vllm');
          const [span] = await waitForSpans(tracing.exporter, 1);
          expect(span!.instrumentationScope.name).toBe('@llm-provenance/instrumentation-ai-sdk');
          expect(span!.attributes['gen_ai.provider.name']).toBe('vllm');
          expect(span!.attributes['openai.api.type']).toBe('chat_completions');
        } finally {
          servers.disable();
          // The configured servers name the provider while the instrumentation exists, enabled or not,
          // and the next line's tests use the same emulator.
          servers.setConfig({ servers: [] });
        }
      });

      it("gives no span to a request that is not the AI SDK's", async () => {
        const reply = await fetch(`${emu.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
          body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'plain fetch' }] }),
        });
        expect(reply.status).toBe(200);
        await reply.text();
        await sdk().ai.generateText({ model: provider().chat(MODEL), prompt: 'then the AI SDK' });
        // The AI SDK call's span is the only one: the plain fetch before it got none.
        const [span] = await waitForSpans(tracing.exporter, 1);
        expect(span!.attributes['gen_ai.response.id']).toBe('chatcmpl-emu-2');
      });
    });
  });
}
