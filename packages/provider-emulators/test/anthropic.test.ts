import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '@llm-provenance/provider-emulators';

let emu: Emulator;
let client: Anthropic;

beforeAll(async () => {
  emu = await startEmulator({ now: () => 1_700_000_000_000 });
  // maxRetries 0: an error scenario must reach the test, not be retried into the next scenario.
  client = new Anthropic({ baseURL: emu.url, apiKey: 'sk-ant-test', maxRetries: 0, openTelemetry: false });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const MODEL = 'claude-sonnet-5-5';

describe('anthropic emulator: POST /v1/messages', () => {
  it('answers with an Anthropic message object echoing the last user message', async () => {
    const { data, response } = await client.messages
      .create({ model: MODEL, max_tokens: 100, system: 'Be terse.', messages: [{ role: 'user', content: 'hello there' }] })
      .withResponse();
    expect(data).toEqual({
      id: 'msg_emu_1',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [{ type: 'text', text: 'Echo: hello there' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 4, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 3, service_tier: 'standard' },
    });
    expect(response.headers.get('request-id')).toBe('req_emu_1');
    expect(emu.requests[0]).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(emu.requests[0].headers['anthropic-version']).toBe('2026-10-21');
    expect(emu.requests[0].headers.authorization).toBe('Bearer sk-ant-test');
  });

  it('counts text blocks, tool results and system blocks as input and echoes the last user text blocks', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      system: [{ type: 'text', text: 'one two' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'three' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: {} }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: 'four five' },
            { type: 'text', text: 'six' },
          ],
        },
      ],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Echo: four five six' }]);
    expect(message.usage.input_tokens).toBe(6);
  });

  it('truncates at max_tokens with stop_reason max_tokens, and stops at a stop sequence', async () => {
    const truncated = await client.messages.create({ model: MODEL, max_tokens: 2, messages: [{ role: 'user', content: 'a b c d' }] });
    expect(truncated.content).toEqual([{ type: 'text', text: 'Echo: a' }]);
    expect(truncated.stop_reason).toBe('max_tokens');
    const stopped = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      stop_sequences: ['END', ' c'],
      messages: [{ role: 'user', content: 'a b c d' }],
    });
    expect(stopped.content).toEqual([{ type: 'text', text: 'Echo: a b' }]);
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: ' c' });
  });

  it('answers a tool_call scenario with one tool_use block and stop_reason tool_use', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      tools: [{ name: 'get_weather', description: 'Weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }],
      messages: [{ role: 'user', content: 'weather in Paris?' }],
    });
    expect(message.content).toEqual([{ type: 'tool_use', id: 'toolu_emu_1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(message.stop_reason).toBe('tool_use');
  });

  it('reports cache read and creation tokens apart from input_tokens for a cache scenario', async () => {
    emu.enqueue({ kind: 'cache', read: 100, creation: 20 });
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.usage).toEqual({
      input_tokens: 1,
      cache_creation_input_tokens: 20,
      cache_read_input_tokens: 100,
      output_tokens: 2,
      service_tier: 'standard',
    });
  });

  it('answers a reasoning scenario with a thinking block counted in output_tokens', async () => {
    emu.enqueue({ kind: 'reasoning', tokens: 3 });
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'step1 step2 step3', signature: 'sig_emu_1' },
      { type: 'text', text: 'Echo: hi' },
    ]);
    expect(message.usage?.output_tokens).toBe(5);
  });

  it('omits usage for a no_usage scenario', async () => {
    emu.enqueue({ kind: 'no_usage' });
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    expect('usage' in message).toBe(false);
  });
});

describe('anthropic emulator: streaming', () => {
  it('streams message_start, block events with one text_delta per word, ping, message_delta and message_stop', async () => {
    const stream = await client.messages.create({ model: MODEL, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi you' }] });
    const events: unknown[] = [];
    for await (const event of stream) events.push(event);
    const usage = { input_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
    expect(events).toEqual([
      {
        type: 'message_start',
        message: {
          id: 'msg_emu_1',
          type: 'message',
          role: 'assistant',
          model: MODEL,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { ...usage, output_tokens: 1, service_tier: 'standard' },
        },
      },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      // `ping` events are swallowed by the SDK's Stream, as they carry nothing.
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Echo:' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' hi' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' you' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { ...usage, output_tokens: 3 } },
      { type: 'message_stop' },
    ]);
  });

  it('frames every event with its SSE event name, including ping', async () => {
    const res = await fetch(`${emu.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, max_tokens: 10, stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await res.text();
    const names = [...text.matchAll(/^event: (.*)$/gm)].map((m) => m[1]);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(text).toContain('event: ping\ndata: {"type":"ping"}\n\n');
  });

  it('streams a tool call as input_json_delta fragments that messages.stream() reassembles', async () => {
    emu.enqueue({ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } });
    const stream = client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'weather?' }] });
    const fragments: string[] = [];
    stream.on('inputJson', (delta) => fragments.push(delta));
    const final = await stream.finalMessage();
    expect(fragments).toEqual(['{"', 'city', '":"', 'Paris', '"}']);
    expect(final.content).toEqual([{ type: 'tool_use', id: 'toolu_emu_1', name: 'get_weather', input: { city: 'Paris' } }]);
    expect(final.stop_reason).toBe('tool_use');
  });

  it('streams thinking as thinking_delta then signature_delta', async () => {
    emu.enqueue({ kind: 'reasoning', tokens: 2 });
    const final = await client.messages.stream({ model: MODEL, max_tokens: 100, messages: [{ role: 'user', content: 'q' }] }).finalMessage();
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'step1 step2', signature: 'sig_emu_1' },
      { type: 'text', text: 'Echo: q' },
    ]);
    expect(final.usage.output_tokens).toBe(4);
  });

  it('cuts the connection after N events for stream_error_after, which the SDK reports as an error', async () => {
    emu.enqueue({ kind: 'stream_error_after', chunks: 4 });
    const stream = await client.messages.create({ model: MODEL, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'a b c' }] });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const event of stream) seen.push(event.type);
      })(),
    ).rejects.toThrow();
    // message_start, content_block_start, ping (dropped by the SDK), first text_delta.
    expect(seen).toEqual(['message_start', 'content_block_start', 'content_block_delta']);
  });
});

describe('anthropic emulator: errors and count_tokens', () => {
  it('renders error scenarios in the Anthropic error shape with retry-after on 429', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 7 });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    expect(err.status).toBe(429);
    expect(err.error).toEqual({
      type: 'error',
      error: { type: 'rate_limit_error', message: 'Your account has hit a rate limit.' },
      request_id: 'req_emu_1',
    });
    expect(err.headers.get('retry-after')).toBe('7');
    expect(err.headers.get('request-id')).toBe('req_emu_1');
  });

  it('uses overloaded_error for 529 and a scenario message when given', async () => {
    emu.enqueue({ kind: 'error', status: 529, message: 'busy' });
    const err = await client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }).catch((e) => e);
    expect(err.status).toBe(529);
    expect(err.error.error).toEqual({ type: 'overloaded_error', message: 'busy' });
  });

  it('rejects a request without credentials as authentication_error and a missing max_tokens as invalid_request_error', async () => {
    const noKey = await fetch(`${emu.url}/v1/messages`, { method: 'POST', headers: { 'anthropic-version': '2023-06-01' }, body: '{}' });
    expect(noKey.status).toBe(401);
    expect(await noKey.json()).toEqual({
      type: 'error',
      error: { type: 'authentication_error', message: 'x-api-key header is required' },
      request_id: 'req_emu_1',
    });
    const err = await client.messages.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] } as never).catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect(err.error.error).toEqual({ type: 'invalid_request_error', message: 'max_tokens: Field required' });
  });

  it('answers unknown Anthropic paths with not_found_error', async () => {
    const res = await fetch(`${emu.url}/v1/messages/nope`, { method: 'POST', headers: { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.type).toBe('not_found_error');
  });

  it('counts input tokens for count_tokens', async () => {
    const count = await client.messages.countTokens({ model: MODEL, system: 'be nice', messages: [{ role: 'user', content: 'a b c' }] });
    expect(count).toEqual({ input_tokens: 5 });
    expect(emu.requests[0].path).toBe('/v1/messages/count_tokens');
  });
});
