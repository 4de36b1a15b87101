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

  it('treats the names in LLM_PROVENANCE_REDACT_NAMES as credential-bearing too, their values on the client included', () => {
    process.env[REDACT_NAMES_ENV] = 'X-Vendor-Auth, gateway_*';
    const redact = errorRedactor({ sdkClient: client });
    expect(redact('seen vendor-2f4c8e1a; x-vendor-auth: abc12345; ?gateway_sig=g1&gateway_id=g2')).toBe(
      'seen [REDACTED]; x-vendor-auth: [REDACTED]; ?gateway_sig=[REDACTED]&gateway_id=[REDACTED]',
    );
  });
});
