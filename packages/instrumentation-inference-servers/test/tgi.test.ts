import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { tgi, TGI_MODEL_ID } from '@llm-provenance/provider-emulators';
import { resetBeforeEach, useEmulator } from '@llm-provenance/test-support';
import { CLIENTS } from './clients.js';
import { assistantText, userText, withoutContent } from './content.js';
import { setupTracing, waitForSpans } from './helpers.js';

/**
 * Hugging Face Text Generation Inference (https://huggingface.github.io/text-generation-inference/)
 * reached without an SDK: its own `/generate` and `/generate_stream` (recognised on any host), the
 * compatibility route `/` and the Messages API (traced on a host configured as `hf.tgi`).
 */
const tracing = setupTracing();
const emu = useEmulator({ providers: [tgi] });
resetBeforeEach(emu, tracing.exporter);
const KEY = 'hf_tgi_planted_0123456789';
const auth = { authorization: `Bearer ${KEY}` };

const base = (operation: string, model?: string) => ({
  'gen_ai.operation.name': operation,
  'gen_ai.provider.name': 'hf.tgi',
  ...(model ? { 'gen_ai.request.model': model } : {}),
  'server.address': '127.0.0.1',
  'server.port': emu.port,
  'provenance.credential.fingerprint': fingerprintCredential(KEY),
});
const chatUsage = (input: number, output: number) => ({
  'gen_ai.usage.input_tokens': input,
  'gen_ai.usage.output_tokens': output,
  'gen_ai.usage.cache_read.input_tokens': 0,
  'gen_ai.usage.reasoning.output_tokens': 0,
});

function configure(options: { captureMessageContent?: boolean; model?: string } = {}): void {
  tracing.instrumentation.setConfig({
    servers: [{ profile: 'hf.tgi', url: emu.url, model: options.model }],
    captureMessageContent: options.captureMessageContent ?? true,
  });
}

/** The SSE events of a TGI stream, parsed. */
function events(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => JSON.parse(line.slice(5)) as Record<string, unknown>);
}

describe.each(Object.entries(CLIENTS))('TGI through %s', (_client, post) => {
  it.each([true, false])('records /generate with its details on any host, without configuration (content %s)', async (content) => {
    tracing.instrumentation.setConfig({ captureMessageContent: content });
    const reply = await post(
      `${emu.url}/generate`,
      JSON.stringify({
        inputs: 'tell me a story',
        parameters: { max_new_tokens: 3, temperature: 0.5, top_p: 0.9, top_k: 4, seed: 7, stop: ['\n'], details: true },
      }),
      auth,
    );
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toMatchObject({ generated_text: 'Echo: tell me', details: { finish_reason: 'length', generated_tokens: 3, seed: 7 } });
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('text_completion');
    expect(span.kind).toBe(SpanKind.CLIENT);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    const expected = {
      ...base('text_completion'),
      'gen_ai.request.max_tokens': 3,
      'gen_ai.request.temperature': 0.5,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.top_k': 4,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['\n'],
      'gen_ai.input.messages': userText('tell me a story'),
      'gen_ai.response.finish_reasons': ['length'],
      // the generated tokens from `details`, the prompt's from the `x-prompt-tokens` header
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.output.messages': assistantText('Echo: tell me', 'length'),
    };
    expect(span.attributes).toEqual(content ? expected : withoutContent(expected));
  });

  it('counts the prompt from `details.prefill` and names the configured model', async () => {
    configure({ model: TGI_MODEL_ID });
    await post(`${emu.url}/generate`, JSON.stringify({ inputs: 'one two three', parameters: { decoder_input_details: true } }), auth);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe(`text_completion ${TGI_MODEL_ID}`);
    expect(span.attributes).toEqual({
      ...base('text_completion', TGI_MODEL_ID),
      'gen_ai.input.messages': userText('one two three'),
      'gen_ai.response.finish_reasons': ['eos_token'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.output.messages': assistantText('Echo: one two three'),
    });
  });

  it.each([true, false])('records /generate_stream from its token events and the final details (content %s)', async (content) => {
    tracing.instrumentation.setConfig({ captureMessageContent: content });
    const reply = await post(`${emu.url}/generate_stream`, JSON.stringify({ inputs: 'a b c', parameters: { details: true, seed: 1 } }), auth);
    const sent = events(reply.text);
    expect(sent.map((e) => (e.token as { text: string }).text).join('')).toBe('Echo: a b c');
    expect(sent.at(-1)).toMatchObject({ generated_text: 'Echo: a b c', details: { finish_reason: 'eos_token', generated_tokens: 4, input_length: 3 } });
    const [span] = await waitForSpans(tracing, 1);
    const expected = {
      ...base('text_completion'),
      'gen_ai.request.seed': 1,
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('a b c'),
      'gen_ai.response.finish_reasons': ['eos_token'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.output.messages': assistantText('Echo: a b c'),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    };
    expect(span.attributes).toEqual(content ? expected : withoutContent(expected));
  });

  it('records a stream without details: the text of its events, and no usage', async () => {
    tracing.instrumentation.setConfig({});
    await post(`${emu.url}/generate_stream`, JSON.stringify({ inputs: 'x y' }), auth);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base('text_completion'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('x y'),
      'gen_ai.output.messages': assistantText('Echo: x y'),
      'provenance.usage.unknown': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
  });

  it('records the compatibility route `/`, plain (a list of one answer) and streamed, on a configured host', async () => {
    configure();
    const plain = await post(`${emu.url}/`, JSON.stringify({ inputs: 'hi there', parameters: { details: true } }), auth);
    expect(JSON.parse(plain.text)).toMatchObject([{ generated_text: 'Echo: hi there' }]);
    await post(`${emu.url}/`, JSON.stringify({ inputs: 'hi', stream: true, parameters: { details: true } }), auth);
    const [first, second] = await waitForSpans(tracing, 2);
    expect(first.attributes).toEqual({
      ...base('text_completion'),
      'gen_ai.input.messages': userText('hi there'),
      'gen_ai.response.finish_reasons': ['eos_token'],
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.output.messages': assistantText('Echo: hi there'),
    });
    expect(second.attributes).toEqual({
      ...base('text_completion'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('hi'),
      'gen_ai.response.finish_reasons': ['eos_token'],
      'gen_ai.usage.input_tokens': 1,
      'gen_ai.usage.output_tokens': 2,
      'gen_ai.output.messages': assistantText('Echo: hi'),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
  });

  it('leaves `/` alone on a host nobody configured as TGI', async () => {
    tracing.instrumentation.setConfig({});
    await post(`${emu.url}/`, JSON.stringify({ inputs: 'not traced' }), auth);
    await post(`${emu.url}/generate`, JSON.stringify({ inputs: 'traced' }), auth);
    const spans = await waitForSpans(tracing, 1);
    expect(spans.map((s) => s.attributes['gen_ai.input.messages'])).toEqual([userText('traced')]);
  });

  it.each([true, false])('records the Messages API, plain (content %s)', async (content) => {
    configure({ captureMessageContent: content });
    const reply = await post(
      `${emu.url}/v1/chat/completions`,
      JSON.stringify({
        model: 'tgi',
        max_tokens: 20,
        temperature: 0,
        messages: [
          { role: 'system', content: 'Be terse.' },
          { role: 'user', content: 'hello there' },
        ],
      }),
      auth,
    );
    expect(JSON.parse(reply.text).choices[0].message.content).toBe('Echo: hello there');
    const [span] = await waitForSpans(tracing, 1);
    expect(span.name).toBe('chat tgi');
    const expected = {
      ...base('chat', 'tgi'),
      'gen_ai.request.max_tokens': 20,
      'gen_ai.request.temperature': 0,
      'gen_ai.system_instructions': JSON.stringify([{ type: 'text', content: 'Be terse.' }]),
      'gen_ai.input.messages': userText('hello there'),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'tgi',
      'gen_ai.response.finish_reasons': ['stop'],
      ...chatUsage(4, 3),
      'gen_ai.output.messages': assistantText('Echo: hello there'),
    };
    expect(span.attributes).toEqual(content ? expected : withoutContent(expected));
  });

  it('records the Messages API streamed, with its usage chunk', async () => {
    configure();
    const reply = await post(
      `${emu.url}/v1/chat/completions`,
      JSON.stringify({ model: 'tgi', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'a b c' }] }),
      auth,
    );
    expect(reply.text.endsWith('data: [DONE]\n\n')).toBe(true);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes).toEqual({
      ...base('chat', 'tgi'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('a b c'),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'tgi',
      'gen_ai.response.finish_reasons': ['stop'],
      ...chatUsage(3, 4),
      'gen_ai.output.messages': assistantText('Echo: a b c'),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
  });

  it('records /v1/completions, plain and streamed', async () => {
    configure();
    await post(`${emu.url}/v1/completions`, JSON.stringify({ model: 'tgi', prompt: 'say this', max_tokens: 5 }), auth);
    await post(`${emu.url}/v1/completions`, JSON.stringify({ model: 'tgi', prompt: 'say that', stream: true }), auth);
    const [plain, streamed] = await waitForSpans(tracing, 2);
    expect(plain.attributes).toEqual({
      ...base('text_completion', 'tgi'),
      'gen_ai.request.max_tokens': 5,
      'gen_ai.input.messages': userText('say this'),
      'gen_ai.response.id': 'cmpl-emu-1',
      'gen_ai.response.model': 'tgi',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.output.messages': assistantText('Echo: say this'),
    });
    expect(streamed.attributes).toEqual({
      ...base('text_completion', 'tgi'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('say that'),
      'gen_ai.response.id': 'cmpl-emu-2',
      'gen_ai.response.model': 'tgi',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.output.messages': assistantText('Echo: say that'),
      'provenance.usage.unknown': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
    });
  });

  it.each([
    [429, 'overloaded', 'Model is overloaded'],
    [424, 'generation', 'Request failed during generation: CUDA out of memory'],
    [500, 'incomplete_generation', 'Request failed during generation: Server error: unexpected end of generation'],
  ])('records a %i TGI error body with its message', async (status, errorType, message) => {
    tracing.instrumentation.setConfig({});
    emu.enqueue({ kind: 'error', status, ...(status === 424 ? { message } : {}) });
    const reply = await post(`${emu.url}/generate`, JSON.stringify({ inputs: 'hi' }), auth);
    expect([reply.status, JSON.parse(reply.text)]).toEqual([status, { error: message, error_type: errorType }]);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: `${status} ${message}` });
    expect(span.attributes).toEqual({
      ...base('text_completion'),
      'gen_ai.input.messages': userText('hi'),
      'error.type': String(status),
      'http.response.status_code': status,
    });
  });

  it('records a Messages API error on a configured host', async () => {
    configure();
    emu.enqueue({ kind: 'error', status: 422, message: 'Input validation error: `max_tokens` must be strictly positive' });
    const reply = await post(`${emu.url}/v1/chat/completions`, JSON.stringify({ model: 'tgi', messages: [{ role: 'user', content: 'hi' }] }), auth);
    expect(reply.status).toBe(422);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: '422 Input validation error: `max_tokens` must be strictly positive' });
    expect(span.attributes).toEqual({
      ...base('chat', 'tgi'),
      'gen_ai.input.messages': userText('hi'),
      'error.type': '422',
      'http.response.status_code': 422,
    });
  });
});

describe('a TGI stream that fails after its status line', () => {
  it.each(Object.entries(CLIENTS))('ends the span as failed by the error event, typed by its error_type (%s)', async (_client, post) => {
    tracing.instrumentation.setConfig({});
    emu.enqueue({ kind: 'error', status: 429 });
    const reply = await post(`${emu.url}/generate_stream`, JSON.stringify({ inputs: 'a b', parameters: { details: true } }), auth);
    expect([reply.status, events(reply.text)]).toEqual([200, [{ error: 'Model is overloaded', error_type: 'overloaded' }]]);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Model is overloaded' });
    expect(span.attributes).toEqual({
      ...base('text_completion'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('a b'),
      'gen_ai.output.messages': assistantText('', 'error'),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'error.type': 'overloaded',
    });
  });

  it('does the same on `/` with `stream: true`, content off', async () => {
    configure({ captureMessageContent: false });
    emu.enqueue({ kind: 'error', status: 424, message: 'Request failed during generation: CUDA out of memory' });
    const reply = await fetch(`${emu.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ inputs: 'a', stream: true }),
    });
    expect(reply.status).toBe(200);
    await reply.text();
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'Request failed during generation: CUDA out of memory' });
    expect(span.attributes).toEqual({
      ...base('text_completion'),
      'gen_ai.request.stream': true,
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'error.type': 'generation',
    });
  });
});

describe('a TGI stream cut off by the server', () => {
  it.each(Object.entries(CLIENTS))('ends the span as failed with the tokens that arrived (%s)', async (client, post) => {
    tracing.instrumentation.setConfig({});
    emu.enqueue({ kind: 'stream_error_after', chunks: 2 });
    await expect(post(`${emu.url}/generate_stream`, JSON.stringify({ inputs: 'a b c d', parameters: { details: true } }), auth)).rejects.toThrow();
    const [span] = await waitForSpans(tracing, 1);
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
    expect(span.attributes).toEqual({
      ...base('text_completion'),
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userText('a b c d'),
      'gen_ai.output.messages': assistantText('Echo: a', 'error'),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      // undici's own error for the closed socket; node:http's response just stops (our ResponseAbortedError).
      'error.type': client === 'http.request' ? 'ResponseAbortedError' : 'SocketError',
    });
  });
});
