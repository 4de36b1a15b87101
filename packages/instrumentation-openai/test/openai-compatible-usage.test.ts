import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { MAJORS, finishedSpans, loadOpenAI, setupTracing } from './helpers.js';

const { exporter, instrumentation } = setupTracing();

/**
 * A loopback server answering POST /chat/completions the way DeepSeek's API does
 * (https://api-docs.deepseek.com/api/create-chat-completion): OpenAI's wire format, but its prompt-cache
 * hits are reported in `usage.prompt_cache_hit_tokens` / `prompt_cache_miss_tokens` (both part of
 * `prompt_tokens`) instead of OpenAI's `prompt_tokens_details.cached_tokens`.
 */
function deepSeekServer() {
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const request = JSON.parse(body);
      const completion = {
        id: '930c60df-bf64-41c9-a88e-3ec75f81e00e',
        object: 'chat.completion',
        created: 1705651092,
        model: request.model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello!' }, logprobs: null, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050, prompt_cache_hit_tokens: 800, prompt_cache_miss_tokens: 200 },
        system_fingerprint: 'fp_ds',
      };
      const bytes = Buffer.from(JSON.stringify(completion));
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(bytes.length) });
      res.end(bytes);
    });
  });
  return server;
}

describe.each(MAJORS)('OpenAI-compatible usage fields, openai $label', ({ from, available }) => {
  const server = deepSeekServer();
  let port: number;
  let client: any;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    if (!available) return;
    const OpenAI = loadOpenAI(from);
    client = new OpenAI({ baseURL: `http://127.0.0.1:${port}`, apiKey: 'sk-deepseek-test', maxRetries: 0 });
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    exporter.reset();
    // A self-hosted address cannot say it is DeepSeek; the providerName option does.
    instrumentation.setConfig({ providerName: 'deepseek', captureMessageContent: false });
  });

  it.skipIf(!available)('counts DeepSeek prompt-cache hits as cache reads and prices them at the cache-hit price', async () => {
    const completion = await client.chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(completion.usage.prompt_cache_hit_tokens).toBe(800);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'deepseek',
      'gen_ai.request.model': 'deepseek-chat',
      'server.address': '127.0.0.1',
      'server.port': port,
      'openai.api.type': 'chat_completions',
      'provenance.credential.fingerprint': fingerprintCredential('sk-deepseek-test'),
      'gen_ai.response.id': '930c60df-bf64-41c9-a88e-3ec75f81e00e',
      'gen_ai.response.model': 'deepseek-chat',
      'gen_ai.response.finish_reasons': ['stop'],
      'openai.response.system_fingerprint': 'fp_ds',
      'gen_ai.usage.input_tokens': 1000,
      'gen_ai.usage.output_tokens': 50,
      'gen_ai.usage.cache_read.input_tokens': 800,
      // built-in deepseek-chat: $0.27 per 1M uncached input, $0.07 cache hit, $1.10 output
      'gen_ai.usage.cost.amount': Math.round(((200 * 0.27 + 800 * 0.07 + 50 * 1.1) / 1e6) * 1e12) / 1e12,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
    });
  });
});
