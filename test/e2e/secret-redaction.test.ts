/**
 * Secrets an app configures on its SDK client never leave the process: not when a gateway echoes them in
 * an error body (status message, exception message and stack), not when the SDK or fetch names the base
 * URL with its user info in an error, not from the command line (`process.command_args`), neither in the
 * store nor over OTLP. Every SDK is covered, each with every credential-bearing field it lets a user set
 * (test/fixtures/secrets-in-every-field.cjs).
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
  CALL_HEADER: 'planted-call-bearer-d4a8e07b',
  CALL_QUERY: 'planted-call-accesstok-3e91',
  URL_PASSWORD: 'planted-url-password-e4c9',
  ARGV: 'planted-argv-token-b05d1a',
} as const;
type SecretName = keyof typeof SECRETS;

const CLIENT_HEADERS: SecretName[] = ['HEADER_API_KEY', 'HEADER_X_API_KEY', 'HEADER_AUTHORIZATION', 'HEADER_CONFIGURED', 'HEADER_AMZ'];
const CLIENT_QUERY: SecretName[] = ['QUERY_KEY', 'QUERY_TOKEN', 'QUERY_SIGNATURE', 'QUERY_AMZ', 'QUERY_CONFIGURED'];

interface SdkCase {
  /** The secrets the fixture sets on this SDK's client and call (besides the base URL's user info and argv). */
  configured: SecretName[];
  /** The request path the gateway names in its echo. */
  path: string;
  /** What the app prints: the SDK's own error classes for the echoed error and for the refused URL. */
  stdout: string;
  /** Where the SDK put the API key on the wire: `x-goog-api-key` for Gemini (echoed by the gateway too). */
  keyHeader?: string;
  /** Secrets the emulator must have received (so they were there to leak). */
  sent: SecretName[];
}

const SDKS: Record<string, SdkCase> = {
  openai: {
    configured: ['API_KEY', 'WEBHOOK', ...CLIENT_HEADERS, ...CLIENT_QUERY, 'CALL_HEADER', 'CALL_QUERY'],
    path: '/v1/chat/completions',
    stdout: 'FAILED BadRequestError\nFAILED APIConnectionError\n',
    sent: ['HEADER_API_KEY', 'HEADER_X_API_KEY', 'HEADER_CONFIGURED', 'QUERY_KEY', 'QUERY_CONFIGURED', 'CALL_HEADER', 'CALL_QUERY'],
  },
  anthropic: {
    configured: ['API_KEY', ...CLIENT_HEADERS, ...CLIENT_QUERY, 'CALL_HEADER', 'CALL_QUERY'],
    path: '/v1/messages',
    stdout: 'FAILED BadRequestError\nFAILED APIConnectionError\n',
    // `x-api-key` among the default headers replaces the one the SDK makes of `apiKey`.
    sent: ['HEADER_API_KEY', 'HEADER_X_API_KEY', 'HEADER_CONFIGURED', 'QUERY_KEY', 'QUERY_CONFIGURED', 'CALL_HEADER', 'CALL_QUERY'],
  },
  groq: {
    configured: ['API_KEY', ...CLIENT_HEADERS, ...CLIENT_QUERY, 'CALL_HEADER', 'CALL_QUERY'],
    path: '/openai/v1/chat/completions',
    stdout: 'FAILED BadRequestError\nFAILED APIConnectionError\n',
    sent: ['HEADER_API_KEY', 'HEADER_X_API_KEY', 'HEADER_CONFIGURED', 'QUERY_KEY', 'QUERY_CONFIGURED', 'CALL_HEADER', 'CALL_QUERY'],
  },
  gemini: {
    configured: ['API_KEY', ...CLIENT_HEADERS, 'CALL_HEADER'],
    path: '/v1beta/models/gemini-2.5-flash:generateContent',
    stdout: 'FAILED ApiError\nFAILED TypeError\n',
    keyHeader: 'x-goog-api-key',
    sent: ['API_KEY', 'HEADER_API_KEY', 'HEADER_X_API_KEY', 'HEADER_CONFIGURED', 'HEADER_AMZ', 'CALL_HEADER'],
  },
  'gemini-legacy': {
    configured: ['API_KEY', ...CLIENT_HEADERS, 'CALL_HEADER'],
    path: '/v1beta/models/gemini-2.5-flash:generateContent',
    stdout: 'FAILED GoogleGenerativeAIFetchError\nFAILED GoogleGenerativeAIError\n',
    keyHeader: 'x-goog-api-key',
    sent: ['API_KEY', 'HEADER_API_KEY', 'HEADER_X_API_KEY', 'HEADER_CONFIGURED', 'HEADER_AMZ', 'CALL_HEADER'],
  },
  ollama: {
    configured: CLIENT_HEADERS,
    path: '/api/chat',
    stdout: 'FAILED ResponseError\nFAILED TypeError\n',
    sent: CLIENT_HEADERS,
  },
};

const HEADER_NAMES: Partial<Record<SecretName, string>> = {
  HEADER_API_KEY: 'api-key',
  HEADER_X_API_KEY: 'x-api-key',
  HEADER_CONFIGURED: 'x-gateway-secret',
  HEADER_AMZ: 'X-Amz-Security-Token',
};
const QUERY_NAMES: Partial<Record<SecretName, string>> = {
  QUERY_KEY: 'key',
  QUERY_TOKEN: 'token',
  QUERY_SIGNATURE: 'signature',
  QUERY_AMZ: 'X-Amz-Signature',
  QUERY_CONFIGURED: 'gateway_sig',
  CALL_QUERY: 'access_token',
};

/**
 * What a gateway in front of the provider might answer: the request it refused, echoed back, with every
 * credential the SDK was configured with, named (query string, headers as JSON) and bare (not the command
 * line, nor the user info, which fetch never sends).
 */
function echoingGatewayError(sdk: SdkCase) {
  const configured = sdk.configured.map((name) => [name, SECRETS[name]] as const);
  const query = configured
    .filter(([name]) => QUERY_NAMES[name])
    .map(([name, value]) => `${QUERY_NAMES[name]}=${value}`)
    .join('&');
  const headers: Record<string, string> = {};
  for (const [name, value] of configured) if (HEADER_NAMES[name]) headers[HEADER_NAMES[name]] = value;
  if (sdk.configured.includes('HEADER_AUTHORIZATION')) headers.authorization = `Bearer ${SECRETS.HEADER_AUTHORIZATION}`;
  if (sdk.keyHeader) headers[sdk.keyHeader] = SECRETS.API_KEY;
  const bare = configured.map(([, value]) => value).join(', ');
  return {
    kind: 'error' as const,
    status: 400,
    message: `gateway rejected POST ${sdk.path}${query ? `?${query}` : ''} with headers ${JSON.stringify(headers)}; values seen: ${bare}`,
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

async function runWithSecrets(sdk: string): Promise<AppRun> {
  return runApp({
    module: 'cjs',
    app: 'fixtures/secrets-in-every-field.cjs',
    args: ['--api-token', SECRETS.ARGV],
    scenarios: [echoingGatewayError(SDKS[sdk]!)],
    env: {
      SDK: sdk,
      ...Object.fromEntries(Object.entries(SECRETS).map(([name, value]) => [`SECRET_${name}`, value])),
      // Names of the app's own credential-bearing header and query parameter.
      LLM_PROVENANCE_REDACT_NAMES: 'x-gateway-secret, gateway_sig',
    },
  });
}

describe.each(Object.keys(SDKS))('secrets planted in every field of the %s client', (name) => {
  const sdk = SDKS[name]!;

  it('reach neither the store nor OTLP, though the gateway echoes them and fetch names the URL', async () => {
    const run = await runWithSecrets(name);
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    // The app got the SDK's own errors, unchanged.
    expect(run.stdout).toBe(sdk.stdout);
    // The gateway did receive the secrets (so they were there to leak); the refused URL never left.
    expect(run.emulatorRequests).toHaveLength(1);
    const sent = JSON.stringify(run.emulatorRequests[0]);
    for (const secret of sdk.sent) expect(sent, secret).toContain(SECRETS[secret]);
    if (sdk.keyHeader) expect(run.emulatorRequests[0]!.headers[sdk.keyHeader]).toBe(SECRETS.API_KEY);

    // Both failed calls are recorded, with the errors redacted but still readable.
    expect(run.spans).toHaveLength(2);
    const [echoed, refused] = run.spans;
    expect(echoed!.status.code).toBe(2); // ERROR
    expect(echoed!.status.message).toContain(`gateway rejected POST ${sdk.path}`);
    // Named values go as their name plus [REDACTED]; the JSON is plain or escaped, as the SDK quotes the body.
    expect(echoed!.status.message).toMatch(/\\?"x-gateway-secret\\?":\\?"\[REDACTED\]\\?"/);
    if (sdk.configured.includes('QUERY_KEY')) expect(echoed!.status.message).toContain('?key=[REDACTED]&token=[REDACTED]&signature=[REDACTED]');
    const exception = echoed!.events.find((event) => event.name === 'exception')!;
    expect(exception.attributes['exception.message']).toBe(echoed!.status.message);
    expect(String(exception.attributes['exception.stacktrace'])).toContain('[REDACTED]');
    expect(refused!.status.code).toBe(2);
    // fetch (directly, or through the Gemini SDKs' own message) names the URL, user info and all.
    if (name === 'gemini' || name === 'gemini-legacy' || name === 'ollama')
      expect(refused!.status.message).toContain('http://[REDACTED]:[REDACTED]@127.0.0.1:');
    expect(run.exports.every((received) => received.headers['content-encoding'] === undefined)).toBe(true);
    // The command line is not recorded at all.
    expect(echoed!.resource['process.command_args']).toBeUndefined();
    const { logs } = await readStore(run.storeDir!);
    expect(logs[0]!.records).toHaveLength(2);

    expect(hits(run.otlpBytes)).toEqual({});
    expect(hits(allStoreBytes(run.storeDir!))).toEqual({});
  });
});
