import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useEmulator } from '@llm-provenance/test-support';
import { fingerprintCredential, withAttribution } from '@llm-provenance/instrumentation-common';
import { MAJORS, finishedSpans, loadOpenAI, setupTracing } from './helpers.js';

/**
 * What the app tells OpenAI about its caller (`user`, `safety_identifier`, `prompt_cache_key`) is recorded
 * as sent; `enduser.id` comes from the app's attribution only.
 */
const { exporter, instrumentation } = setupTracing();
const FP = fingerprintCredential('sk-test');
const IDS = { user: 'user-legacy-7', safety_identifier: 'sid-3f2a', prompt_cache_key: 'tenant-12' };
const RECORDED = {
  'provenance.request.user': 'user-legacy-7',
  'provenance.request.safety_identifier': 'sid-3f2a',
  'provenance.request.prompt_cache_key': 'tenant-12',
};

describe.each(MAJORS)('caller identity, openai $label', ({ from, available }) => {
  const emu = useEmulator();
  let client: any;

  beforeAll(() => {
    if (!available) return;
    const OpenAI = loadOpenAI(from);
    client = new OpenAI({ baseURL: `${emu.url}/v1`, apiKey: 'sk-test', maxRetries: 0 });
  });
  beforeEach(() => {
    emu.reset();
    exporter.reset();
    instrumentation.setConfig({ captureMessageContent: false });
  });

  const server = () => ({ 'server.address': '127.0.0.1', 'server.port': emu.port, 'provenance.credential.fingerprint': FP });

  it.skipIf(!available)('records user, safety_identifier and prompt_cache_key of a chat completion beside the attributed enduser.id', async () => {
    await withAttribution({ userId: 'alice@example.com' }, () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Say hello world' }], ...IDS }),
    );
    expect(emu.requests[0].body).toMatchObject(IDS);
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      ...server(),
      'openai.api.type': 'chat_completions',
      ...RECORDED,
      'enduser.id': 'alice@example.com',
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'gpt-4o-mini',
      'openai.response.service_tier': 'default',
      'openai.response.system_fingerprint': 'fp_emu',
      'provenance.provider.request_id': 'req_emu_1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.usage.cost.amount': 0.00000285,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
    });
  });

  it.skipIf(!available)('records them on a Responses API call, and no enduser.id without attribution', async () => {
    await client.responses.create({ model: 'gpt-4o-mini', input: 'Say hello world', ...IDS });
    const [span] = await finishedSpans(exporter);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      ...server(),
      'openai.api.type': 'responses',
      ...RECORDED,
      'gen_ai.response.id': 'resp-emu-1',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.response.finish_reasons': ['completed'],
      'openai.response.service_tier': 'default',
      'provenance.provider.request_id': 'req_emu_1',
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.usage.cost.amount': 0.00000285,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
    });
  });

  it.skipIf(!available)('records the user of legacy completions and embeddings; empty or non-string values are not recorded', async () => {
    await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi', user: 'user-legacy-7', safety_identifier: '' });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi', user: 'user-legacy-7', prompt_cache_key: 42 });
    const spans = await finishedSpans(exporter, 2);
    expect(spans.map((s) => Object.entries(s.attributes).filter(([k]) => k.startsWith('provenance.request.')))).toEqual([
      [['provenance.request.user', 'user-legacy-7']],
      [['provenance.request.user', 'user-legacy-7']],
    ]);
  });
});
