/**
 * Secrets an app configures on its SDK client never leave the process: not when a gateway echoes them in
 * an error body (status message, exception message and stack), not from the command line
 * (`process.command_args`), neither in the store nor over OTLP.
 */
import { describe, expect, it } from 'vitest';
import { allStoreBytes, readStore, runApp, type AppRun } from '../harness/index.js';

/** One secret per field a client library lets the user set; none has the shape of a well-known key. */
const SECRETS = {
  API_KEY: 'planted-apikey-7d1c0f9e55',
  WEBHOOK: 'planted-webhook-2b8e64a1c3',
  HEADER_API_KEY: 'planted-hdr-apikey-91c5e2',
  HEADER_X_API_KEY: 'planted-hdr-xapikey-4e77a0',
  HEADER_AUTHORIZATION: 'planted-hdr-bearer-0a93f1',
  HEADER_CONFIGURED: 'planted-hdr-gateway-6c2d48',
  HEADER_AMZ: 'planted-hdr-amztoken-3f50b9',
  QUERY_KEY: 'planted-q-key-8a61d27c',
  QUERY_TOKEN: 'planted-q-token-5e0b93f4',
  QUERY_SIGNATURE: 'planted-q-signature-c7a1',
  QUERY_AMZ: 'planted-q-amzsig-19d3e6b0',
  QUERY_CONFIGURED: 'planted-q-gatewaysig-72f8',
  URL_PASSWORD: 'planted-url-password-e4c9',
  ARGV: 'planted-argv-token-b05d1a',
} as const;

/** What a gateway in front of the provider might answer: the request it refused, echoed back. */
function echoingGatewayError(sdk: 'openai' | 'anthropic') {
  const s = SECRETS;
  const query = `key=${s.QUERY_KEY}&token=${s.QUERY_TOKEN}&signature=${s.QUERY_SIGNATURE}&X-Amz-Signature=${s.QUERY_AMZ}&gateway_sig=${s.QUERY_CONFIGURED}`;
  const headers = JSON.stringify({
    'api-key': s.HEADER_API_KEY,
    'x-api-key': s.HEADER_X_API_KEY,
    authorization: `Bearer ${s.HEADER_AUTHORIZATION}`,
    'x-gateway-secret': s.HEADER_CONFIGURED,
    'X-Amz-Security-Token': s.HEADER_AMZ,
  });
  // Every configured value it could have seen, bare (no name next to it): the key, headers and query
  // (not the command line, nor the user info, which fetch never sends; the anthropic client has no webhook secret).
  const bare = Object.entries(s)
    .filter(([name]) => name !== 'ARGV' && name !== 'URL_PASSWORD' && !(sdk === 'anthropic' && name === 'WEBHOOK'))
    .map(([, value]) => value)
    .join(', ');
  return {
    kind: 'error' as const,
    status: 400,
    message: `gateway rejected POST /v1/chat/completions?${query} with headers ${headers}; values seen: ${bare}`,
  };
}

function hits(bytes: Buffer): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [name, value] of Object.entries(SECRETS)) {
    let count = 0;
    for (let at = bytes.indexOf(value); at !== -1; at = bytes.indexOf(value, at + 1)) count++;
    if (count > 0) found[name] = count;
  }
  return found;
}

async function runWithSecrets(sdk: 'openai' | 'anthropic'): Promise<AppRun> {
  return runApp({
    module: 'cjs',
    app: 'fixtures/secrets-in-every-field.cjs',
    args: ['--api-token', SECRETS.ARGV],
    scenarios: [echoingGatewayError(sdk)],
    env: {
      SDK: sdk,
      ...Object.fromEntries(Object.entries(SECRETS).map(([name, value]) => [`SECRET_${name}`, value])),
      // Names of the app's own credential-bearing header and query parameter.
      LLM_PROVENANCE_REDACT_NAMES: 'x-gateway-secret, gateway_sig',
    },
  });
}

describe.each(['openai', 'anthropic'] as const)('secrets planted in every field of the %s client', (sdk) => {
  it('reach neither the store nor OTLP, though the gateway echoes them in its error', async () => {
    const run = await runWithSecrets(sdk);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(sdk === 'openai' ? 'FAILED BadRequestError\nFAILED APIConnectionError\n' : 'FAILED BadRequestError\nFAILED APIConnectionError\n');
    // The gateway did receive the secrets (so they were there to leak).
    const sent = JSON.stringify(run.emulatorRequests[0]);
    for (const name of ['HEADER_API_KEY', 'HEADER_X_API_KEY', 'HEADER_CONFIGURED', 'QUERY_KEY', 'QUERY_CONFIGURED'] as const)
      expect(sent).toContain(SECRETS[name]);

    // Both failed calls are recorded, with the echoed error redacted but still readable.
    expect(run.spans).toHaveLength(2);
    const [echoed] = run.spans;
    expect(echoed!.status.code).toBe(2); // ERROR
    expect(echoed!.status.message).toContain('gateway rejected POST /v1/chat/completions?key=[REDACTED]&token=[REDACTED]&signature=[REDACTED]');
    // The openai SDK puts the error's message in its own; the anthropic SDK the whole body, as JSON text.
    expect(echoed!.status.message).toContain(sdk === 'openai' ? '"x-gateway-secret":"[REDACTED]"' : '\\"x-gateway-secret\\":\\"[REDACTED]\\"');
    const exception = echoed!.events.find((event) => event.name === 'exception')!;
    expect(exception.attributes['exception.message']).toBe(echoed!.status.message);
    expect(String(exception.attributes['exception.stacktrace'])).toContain('[REDACTED]');
    expect(run.exports.every((received) => received.headers['content-encoding'] === undefined)).toBe(true);
    // The command line is not recorded at all.
    expect(echoed!.resource['process.command_args']).toBeUndefined();
    const { logs } = await readStore(run.storeDir!);
    expect(logs[0]!.records).toHaveLength(2);

    expect(hits(run.otlpBytes)).toEqual({});
    expect(hits(allStoreBytes(run.storeDir!))).toEqual({});
  });
});
