import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { testTempDir } from '@llm-provenance/test-support';
import {
  BUILTIN_PRICE_TABLE,
  FINGERPRINT_DOMAIN,
  computeCost,
  definedAttributes,
  errorTypeOf,
  fingerprintCredential,
  genAIRequestAttributes,
  lookupPrice,
  providerFromUrl,
  redactHeaders,
  redactUrl,
  resolveCaptureContent,
  resolvePriceTable,
  scrubSecrets,
  serverAttributesFromUrl,
} from '@llm-provenance/instrumentation-common';

describe('credential fingerprint', () => {
  it('is the first 16 hex chars of HMAC-SHA256 keyed with the documented domain string', () => {
    const expected = createHmac('sha256', 'llm-provenance/credential-fingerprint/v1').update('sk-test').digest('hex').slice(0, 16);
    expect(FINGERPRINT_DOMAIN).toBe('llm-provenance/credential-fingerprint/v1');
    expect(fingerprintCredential('sk-test')).toBe(expected);
    expect(fingerprintCredential('sk-test')).toBe('682b618b27b642b3');
    expect(fingerprintCredential('sk-other')).not.toBe(expected);
    expect(fingerprintCredential('')).toBeUndefined();
    expect(fingerprintCredential(null)).toBeUndefined();
  });
});

describe('secret scrubbing', () => {
  it('removes keys, bearer tokens and key= parameters from free text', () => {
    expect(
      scrubSecrets(
        'Incorrect API key provided: sk-proj-abcdefgh1234. Authorization: Bearer abc.def-ghi url https://x.com/v1?key=AIzaSyA1234567890abcdefghijklmnopq&alt=sse api_key=secret123 x-api-key: zzzzzz gsk_abcdefghijkl hf_abcdefghijk',
      ),
    ).toBe(
      'Incorrect API key provided: [REDACTED]. Authorization: Bearer [REDACTED] url https://x.com/v1?key=[REDACTED]&alt=sse api_key=[REDACTED] x-api-key: [REDACTED] [REDACTED] [REDACTED]',
    );
    expect(scrubSecrets('token ya29.a0AfB_byC1234567890abcdefXYZ expired')).toBe('token [REDACTED] expired');
    expect(scrubSecrets('Rate limit reached for gpt-4o in organization org-1')).toBe('Rate limit reached for gpt-4o in organization org-1');
  });

  it('removes known secrets literally, after the patterns, and leaves short placeholder keys alone', () => {
    expect(scrubSecrets('token gw.0123456789 refused (again: gw.0123456789)', ['gw.0123456789'])).toBe('token [REDACTED] refused (again: [REDACTED])');
    // a known prefix of a longer key must not leave the rest of that key behind
    expect(scrubSecrets('bad key sk-abcdefghijkl', ['sk-abcdefg'])).toBe('bad key [REDACTED]');
    expect(scrubSecrets('model none is nonexistent on ollama', ['none', 'ollama', undefined, null])).toBe('model none is nonexistent on ollama');
  });

  it('redacts user info and credential query parameters of URLs, and credential headers', () => {
    expect(redactUrl('https://user:pw@x.com/v1?key=abc&alt=sse&api_key=zz')).toBe('https://x.com/v1?key=%5BREDACTED%5D&alt=sse&api_key=%5BREDACTED%5D');
    expect(redactUrl('not a url')).toBeUndefined();
    expect(redactHeaders({ Authorization: 'Bearer x', 'x-api-key': 'k', 'content-type': 'application/json' })).toEqual({
      Authorization: '[REDACTED]',
      'x-api-key': '[REDACTED]',
      'content-type': 'application/json',
    });
  });

  it('takes only host and port from a base URL', () => {
    expect(serverAttributesFromUrl('https://user:sk-secret@api.openai.com/v1?key=sk-x')).toEqual({ 'server.address': 'api.openai.com', 'server.port': 443 });
    expect(serverAttributesFromUrl('http://127.0.0.1:8080/v1')).toEqual({ 'server.address': '127.0.0.1', 'server.port': 8080 });
    expect(serverAttributesFromUrl('http://[::1]:11434')).toEqual({ 'server.address': '::1', 'server.port': 11434 });
    expect(serverAttributesFromUrl('nonsense')).toEqual({});
  });
});

describe('provider recognition', () => {
  it('maps known hosts to gen_ai.provider.name and leaves unknown hosts undefined', () => {
    expect(providerFromUrl('https://api.openai.com/v1')).toBe('openai');
    expect(providerFromUrl('https://api.groq.com/openai/v1')).toBe('groq');
    expect(providerFromUrl('https://my-res.openai.azure.com/openai/deployments/x')).toBe('azure.ai.openai');
    expect(providerFromUrl('https://api.deepseek.com')).toBe('deepseek');
    expect(providerFromUrl('https://api.mistral.ai/v1')).toBe('mistral_ai');
    expect(providerFromUrl('https://api.x.ai/v1')).toBe('x_ai');
    expect(providerFromUrl('https://api.perplexity.ai')).toBe('perplexity');
    expect(providerFromUrl('http://localhost:11434/v1')).toBe('ollama');
    expect(providerFromUrl('http://127.0.0.1:11434/v1')).toBe('ollama');
    expect(providerFromUrl('http://127.0.0.1:8000/v1')).toBeUndefined();
    expect(providerFromUrl('https://gateway.example.com/v1')).toBeUndefined();
  });
});

describe('error.type', () => {
  class APIConnectionTimeoutError extends Error {}
  it('uses the HTTP status as a string, else the class name, else _OTHER', () => {
    expect(errorTypeOf(Object.assign(new Error('x'), { status: 429 }))).toBe('429');
    expect(errorTypeOf(Object.assign(new Error('x'), { statusCode: 503 }))).toBe('503');
    expect(errorTypeOf(new APIConnectionTimeoutError('t'))).toBe('APIConnectionTimeoutError');
    expect(errorTypeOf(new TypeError('t'))).toBe('TypeError');
    expect(errorTypeOf('a string')).toBe('_OTHER');
    expect(errorTypeOf(undefined)).toBe('_OTHER');
  });
});

describe('request attribute helpers', () => {
  it('keep 0 and false, drop only absent values, and record choice.count only when it is not 1', () => {
    expect(
      genAIRequestAttributes({
        temperature: 0,
        topP: 0,
        maxTokens: 0,
        seed: 0,
        frequencyPenalty: 0,
        presencePenalty: 0,
        topK: 0,
        stream: false,
        choiceCount: 1,
        stopSequences: 'x',
      }),
    ).toEqual({
      'gen_ai.request.temperature': 0,
      'gen_ai.request.top_p': 0,
      'gen_ai.request.max_tokens': 0,
      'gen_ai.request.seed': 0,
      'gen_ai.request.frequency_penalty': 0,
      'gen_ai.request.presence_penalty': 0,
      'gen_ai.request.top_k': 0,
      'gen_ai.request.stream': false,
      'gen_ai.request.stop_sequences': ['x'],
    });
    expect(genAIRequestAttributes({ choiceCount: 3, temperature: null, maxTokens: undefined })).toEqual({ 'gen_ai.request.choice.count': 3 });
    expect(definedAttributes({ a: 0, b: false, c: '', d: null, e: undefined, f: NaN, g: { x: 1 } })).toEqual({ a: 0, b: false, c: '' });
  });
});

describe('content capture policy', () => {
  it('prefers the option, then the env var, and defaults to capturing', () => {
    expect(resolveCaptureContent(undefined, {})).toBe(true);
    expect(resolveCaptureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' })).toBe(false);
    expect(resolveCaptureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'TRUE' })).toBe(true);
    expect(resolveCaptureContent(true, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'false' })).toBe(true);
    expect(resolveCaptureContent(false, {})).toBe(false);
    // The GenAI utils' enum for the same variable; only SPAN_* put content on spans.
    expect(resolveCaptureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'NO_CONTENT' })).toBe(false);
    expect(resolveCaptureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'EVENT_ONLY' })).toBe(false);
    expect(resolveCaptureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'SPAN_ONLY' })).toBe(true);
    expect(resolveCaptureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'SPAN_AND_EVENT' })).toBe(true);
  });

  it('does not capture for a value it does not understand, and says so', () => {
    const warnings: string[] = [];
    diag.setLogger({ warn: (m: string) => warnings.push(m), error: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.WARN);
    try {
      expect(resolveCaptureContent(undefined, { OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'maybe' })).toBe(false);
    } finally {
      diag.disable();
    }
    expect(warnings).toEqual([
      'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT="maybe" is not one of true, false, NO_CONTENT, SPAN_ONLY, EVENT_ONLY, SPAN_AND_EVENT; not capturing content',
    ]);
  });
});

describe('price table', () => {
  afterEach(() => diag.disable());

  it('looks models up exactly, then without a dated snapshot suffix, then by the provider wildcard', () => {
    const openai = { asOf: '2025-08', source: 'https://openai.com/api/pricing/' };
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'openai', 'gpt-4o-mini')).toEqual({ input: 0.15, cachedInput: 0.075, output: 0.6, ...openai });
    // Dated aliases and versions resolve to the model's price.
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'openai', 'gpt-4o-mini-2024-07-18')).toBe(BUILTIN_PRICE_TABLE.openai['gpt-4o-mini']);
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'openai', 'gpt-4o-2024-08-06')).toEqual({ input: 2.5, cachedInput: 1.25, output: 10, ...openai });
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'openai', 'gpt-3.5-turbo-0125')).toBe(BUILTIN_PRICE_TABLE.openai['gpt-3.5-turbo']);
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'anthropic', 'claude-3-5-sonnet-20241022')?.input).toBe(3);
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'anthropic', 'claude-sonnet-4-20250514')).toBe(BUILTIN_PRICE_TABLE.anthropic['claude-sonnet-4']);
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'gcp.gemini', 'gemini-2.0-flash-001')).toBe(BUILTIN_PRICE_TABLE['gcp.gemini']['gemini-2.0-flash']);
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'gcp.gemini', 'models/gemini-2.5-flash')).toBe(BUILTIN_PRICE_TABLE['gcp.gemini']['gemini-2.5-flash']);
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'ollama', 'llama3.2')).toMatchObject({ input: 0, output: 0 });
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'openai', 'my-finetune')).toBeUndefined();
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'vllm', 'x')).toBeUndefined();
    // A malformed response's model (a number, an object) names no model: only the wildcard can price it.
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'openai', 42 as unknown as string)).toBeUndefined();
    expect(lookupPrice(BUILTIN_PRICE_TABLE, 'ollama', {} as unknown as string)).toBe(BUILTIN_PRICE_TABLE.ollama['*']);
  });

  it('says for every built-in price when and where it was taken', () => {
    const entries = Object.entries(BUILTIN_PRICE_TABLE).flatMap(([provider, models]) =>
      Object.entries(models).map(([model, price]) => ({ provider, model, price })),
    );
    expect(entries.length).toBeGreaterThan(40);
    for (const { provider, model, price } of entries) {
      expect({ provider, model, asOf: price.asOf }).toEqual({ provider, model, asOf: expect.stringMatching(/^\d{4}-\d{2}(-\d{2})?$/) });
      expect({ provider, model, source: price.source }).toEqual({ provider, model, source: expect.stringMatching(/^https:\/\//) });
    }
  });

  it('bills cached input at the cached price and leaves unknown usage without cost', () => {
    const price = { input: 2.5, cachedInput: 1.25, output: 10 };
    expect(computeCost(price, { inputTokens: 1000, cacheReadInputTokens: 400, outputTokens: 100 })).toEqual({
      amount: (600 * 2.5 + 400 * 1.25 + 100 * 10) / 1e6,
      currency: 'USD',
      source: 'price_table',
    });
    expect(
      computeCost(
        { input: 3, cachedInput: 0.3, cacheCreationInput: 3.75, output: 15 },
        { inputTokens: 100, cacheReadInputTokens: 50, cacheCreationInputTokens: 20, outputTokens: 10 },
      )?.amount,
    ).toBe(
      0.00033, // 30 * 3 + 50 * 0.3 + 20 * 3.75 + 10 * 15 per 1M
    );
    expect(computeCost(price, {})).toBeUndefined();
    expect(computeCost(undefined, { inputTokens: 1 })).toBeUndefined();
    expect(computeCost({ input: 0, output: 0 }, { inputTokens: 10, outputTokens: 5 })).toEqual({ amount: 0, currency: 'USD', source: 'price_table' });
  });

  it('prices a call by the hour of call time, by tokens, or both, and leaves an unknown duration without cost', () => {
    // $3.60 an hour is $0.001 a second.
    expect(computeCost({ perHour: 3.6 }, undefined, 2.5)).toEqual({ amount: 0.0025, currency: 'USD', source: 'price_table' });
    expect(computeCost({ perHour: 3.6, currency: 'EUR' }, { inputTokens: 10 }, 0.5)).toEqual({ amount: 0.0005, currency: 'EUR', source: 'price_table' });
    expect(computeCost({ perHour: 3.6 }, { inputTokens: 10 }, undefined)).toBeUndefined();
    expect(computeCost({ perHour: 3.6 }, undefined, Number.NaN)).toBeUndefined();
    // Both: the token cost and the time cost add up.
    expect(computeCost({ input: 1, output: 2, perHour: 3.6 }, { inputTokens: 1000, outputTokens: 500 }, 1)?.amount).toBe(0.001 + 0.002);
    // A token price with no token counts is unknown even when the duration is known.
    expect(computeCost({ input: 1, output: 2, perHour: 3.6 }, {}, 1)).toBeUndefined();
  });

  it('says user_table for a cost priced from the file or the option, price_table for a built-in price', () => {
    const dir = testTempDir('prices-');
    const file = path.join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ vllm: { '*': { input: 0, output: 0 } } }));
    // The option reuses a built-in entry object: it is the user's choice in the user's table only.
    const table = resolvePriceTable(
      { openai: { 'gpt-4o': BUILTIN_PRICE_TABLE.openai['gpt-4o']!, 'my-finetune': { perHour: 7.2 } } },
      { LLM_PROVENANCE_PRICE_TABLE: file },
    );
    const usage = { inputTokens: 1000, outputTokens: 100 };
    expect(computeCost(lookupPrice(table, 'vllm', 'Qwen/Qwen2.5-1.5B-Instruct'), usage)).toEqual({ amount: 0, currency: 'USD', source: 'user_table' });
    expect(computeCost(lookupPrice(table, 'openai', 'gpt-4o'), usage)?.source).toBe('user_table');
    expect(computeCost(lookupPrice(table, 'openai', 'my-finetune'), usage, 1)).toEqual({ amount: 0.002, currency: 'USD', source: 'user_table' });
    expect(computeCost(lookupPrice(table, 'openai', 'gpt-4o-mini'), usage)?.source).toBe('price_table');
    expect(computeCost(BUILTIN_PRICE_TABLE.openai['gpt-4o'], usage)?.source).toBe('price_table');
  });

  it('merges built-in < LLM_PROVENANCE_PRICE_TABLE file < option', () => {
    const dir = testTempDir('prices-');
    const file = path.join(dir, 'prices.json');
    writeFileSync(file, JSON.stringify({ openai: { 'gpt-4o': { input: 1, output: 2 } }, acme: { 'acme-1': { input: 5, output: 6, currency: 'EUR' } } }));
    const table = resolvePriceTable({ acme: { 'acme-1': { input: 7, output: 8 } } }, { LLM_PROVENANCE_PRICE_TABLE: file });
    expect(table.openai['gpt-4o']).toEqual({ input: 1, output: 2 });
    expect(table.openai['gpt-4o-mini']).toEqual(BUILTIN_PRICE_TABLE.openai['gpt-4o-mini']);
    expect(table.acme['acme-1']).toEqual({ input: 7, output: 8 });
  });

  it('rejects a malformed option with an error naming the entry', () => {
    expect(() => resolvePriceTable({ openai: { 'gpt-x': { input: -1, output: 2 } } }, {})).toThrow(
      'priceTable option: openai / gpt-x: "input" must be a non-negative number (per 1M tokens)',
    );
    // NaN / Infinity would make every cost NaN (or Infinity) instead of failing where the table is given.
    expect(() => resolvePriceTable({ openai: { 'gpt-x': { input: 1, output: 2, cachedInput: Number.NaN } } }, {})).toThrow(
      'priceTable option: openai / gpt-x: "cachedInput" must be a non-negative number when given',
    );
    expect(() => resolvePriceTable({ openai: { 'gpt-x': { input: 1, output: 2, cacheCreationInput: Infinity } } }, {})).toThrow(
      'priceTable option: openai / gpt-x: "cacheCreationInput" must be a non-negative number when given',
    );
    expect(() => resolvePriceTable({ vllm: { qwen: {} } }, {})).toThrow(
      'priceTable option: vllm / qwen: needs "input" and "output" (per 1M tokens), "perHour", or both',
    );
    expect(() => resolvePriceTable({ vllm: { qwen: { input: 1 } } }, {})).toThrow(
      'priceTable option: vllm / qwen: "output" must be a non-negative number (per 1M tokens)',
    );
    expect(() => resolvePriceTable({ vllm: { qwen: { perHour: -2 } } }, {})).toThrow(
      'priceTable option: vllm / qwen: "perHour" must be a non-negative number when given',
    );
    expect(() => resolvePriceTable({ vllm: { qwen: { perHour: 2, cachedInput: 1 } } }, {})).toThrow(
      'priceTable option: vllm / qwen: "cachedInput" and "cacheCreationInput" need "input" and "output"',
    );
    expect(() => resolvePriceTable({ vllm: { qwen: { perHour: 2, asOf: 'last week' } } }, {})).toThrow(
      'priceTable option: vllm / qwen: "asOf" must be a date such as "2025-08" or "2025-08-14"',
    );
  });

  it('reports a bad env file through diag, naming the file, and falls back to the built-in table', () => {
    const dir = testTempDir('prices-');
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{ not json');
    const logged: string[] = [];
    diag.setLogger({ error: (m: string) => logged.push(m), warn: () => {}, info: () => {}, debug: () => {}, verbose: () => {} }, DiagLogLevel.ERROR);
    const table = resolvePriceTable(undefined, { LLM_PROVENANCE_PRICE_TABLE: file });
    expect(table).toEqual(BUILTIN_PRICE_TABLE);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain(`price table file ${file} is not valid JSON`);
  });
});
