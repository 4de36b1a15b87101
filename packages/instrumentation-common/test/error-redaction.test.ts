import { afterEach, describe, expect, it } from 'vitest';
import { errorRedactor, REDACT_NAMES_ENV } from '@llm-provenance/instrumentation-common';

afterEach(() => {
  delete process.env[REDACT_NAMES_ENV];
});

/** A Stainless-style SDK client (openai, @anthropic-ai/sdk, groq-sdk keep their options in `_options`). */
const client = {
  apiKey: 'client-key-31f0a9c2',
  baseURL: 'http://gw-user:url-pass-77d2e1@127.0.0.1:9/v1?sig=url-sig-5a0e93c1',
  _options: {
    webhookSecret: 'webhook-9c3b7f10',
    defaultHeaders: { 'X-Api-Key': 'hdr-xkey-0b6a2d', 'x-tenant': 'not-a-secret-tenant', 'x-vendor-auth': 'vendor-2f4c8e1a' },
    defaultQuery: { 'api-version': '2024-10-21', token: 'q-token-8e1f5d3b' },
  },
};

describe('errorRedactor', () => {
  it('removes every configured credential value wherever it appears, and keeps the rest of the text', () => {
    const redact = errorRedactor({ sdkClient: client, requestOptions: { headers: { authorization: 'Bearer call-tok-6d0e2f7a' } } });
    const echoed =
      'rejected client-key-31f0a9c2 / hdr-xkey-0b6a2d / q-token-8e1f5d3b / url-pass-77d2e1 / url-sig-5a0e93c1 / ' +
      'webhook-9c3b7f10 / call-tok-6d0e2f7a for tenant not-a-secret-tenant, api-version 2024-10-21';
    expect(redact(echoed)).toBe(
      'rejected [REDACTED] / [REDACTED] / [REDACTED] / [REDACTED] / [REDACTED] / [REDACTED] / [REDACTED] for tenant not-a-secret-tenant, api-version 2024-10-21',
    );
  });

  it('removes the values of credential-named query parameters and headers, in URLs, headers, JSON and escaped JSON', () => {
    const redact = errorRedactor({});
    expect(
      redact(
        'GET /v1?key=k1&token=t1&signature=s1&X-Amz-Signature=a1&X-Amz-Credential=AKID/2025&model=gpt ' +
          '{"api-key":"h1","x-api-key":"h2","authorization":"Bearer b1","X-Amz-Security-Token":"a2"} ' +
          '"{\\"api-key\\":\\"h3\\"}" max_tokens: 100, tokens: 5',
      ),
    ).toBe(
      'GET /v1?key=[REDACTED]&token=[REDACTED]&signature=[REDACTED]&X-Amz-Signature=[REDACTED]&X-Amz-Credential=[REDACTED]&model=gpt ' +
        '{"api-key":"[REDACTED]","x-api-key":"[REDACTED]","authorization":"Bearer [REDACTED]","X-Amz-Security-Token":"[REDACTED]"} ' +
        '"{\\"api-key\\":\\"[REDACTED]\\"}" max_tokens: 100, tokens: 5',
    );
  });

  it('takes configured credentials in SDK-neutral form: header sets of any shape, query sets and URLs, read only when asked', () => {
    let reads = 0;
    const redact = errorRedactor({
      values: ['plain-key-4c1d9e07', undefined, 42],
      headers: [new Headers({ 'x-goog-api-key': 'goog-key-7f20b3a1', 'x-tenant': 'tenant-visible-01' }), [['Authorization', 'Bearer pair-tok-91e0c4d2']]],
      query: [new URLSearchParams({ access_token: 'q-access-3b8f6e20', alt: 'sse-visible' })],
      configured: () => {
        reads++;
        return { urls: ['http://gw-user:pass-%2F5d0a8c@127.0.0.1:9/', 'not a url'], headers: [{ 'api-key': 'lazy-hdr-6e2a1f90' }] };
      },
    });
    expect(reads).toBe(1);
    expect(
      redact('plain-key-4c1d9e07 goog-key-7f20b3a1 pair-tok-91e0c4d2 q-access-3b8f6e20 pass-/5d0a8c lazy-hdr-6e2a1f90 tenant-visible-01 sse-visible'),
    ).toBe('[REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED] tenant-visible-01 sse-visible');
  });

  it('loses only the values of a source that throws when read', () => {
    const redact = errorRedactor({
      credential: 'call-key-0d5e9b7c',
      headers: [{ 'x-api-key': 'hdr-key-61a4f0e8' }],
      configured: () => {
        throw new Error('getter failed');
      },
    });
    expect(redact('call-key-0d5e9b7c hdr-key-61a4f0e8')).toBe('[REDACTED] [REDACTED]');
  });

  it('treats the names in LLM_PROVENANCE_REDACT_NAMES as credential-bearing too, their values on the client included', () => {
    process.env[REDACT_NAMES_ENV] = 'X-Vendor-Auth, gateway_*';
    const redact = errorRedactor({ sdkClient: client });
    expect(redact('seen vendor-2f4c8e1a; x-vendor-auth: abc12345; ?gateway_sig=g1&gateway_id=g2')).toBe(
      'seen [REDACTED]; x-vendor-auth: [REDACTED]; ?gateway_sig=[REDACTED]&gateway_id=[REDACTED]',
    );
  });
});
