import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fingerprintCredential, providerFromUrl, serverAttributesFromUrl } from '@llm-provenance/instrumentation-common';

// Fingerprints and parsed base URLs are remembered per input (bounded), so the hot path computes each
// once. More distinct inputs than the caches hold must still give every caller the right answer.
const hmac = (key: string) => createHmac('sha256', 'llm-provenance/credential-fingerprint/v1').update(key).digest('hex').slice(0, 16);

describe('per-call caches', () => {
  it('give the right fingerprint for many more keys than they hold, asked for in any order', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `sk-test-key-${i}`);
    for (const key of [...keys, ...keys.reverse(), ...keys]) expect(fingerprintCredential(key)).toBe(hmac(key));
  });

  it('give the right server attributes and provider for many more base URLs than they hold', () => {
    for (let round = 0; round < 2; round++) {
      for (let port = 1000; port < 1200; port++) {
        expect(serverAttributesFromUrl(`http://127.0.0.1:${port}/v1`)).toEqual({ 'server.address': '127.0.0.1', 'server.port': port });
        expect(providerFromUrl(`http://127.0.0.1:${port}/v1`)).toBeUndefined();
      }
      expect(providerFromUrl('http://localhost:11434/v1')).toBe('ollama');
      expect(providerFromUrl('https://api.groq.com/openai/v1')).toBe('groq');
      expect(serverAttributesFromUrl('https://[::1]/v1')).toEqual({ 'server.address': '::1', 'server.port': 443 });
      expect(serverAttributesFromUrl('not a url')).toEqual({});
      expect(providerFromUrl('not a url')).toBeUndefined();
    }
  });
});
