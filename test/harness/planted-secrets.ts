/**
 * Secrets planted in every field an SDK client lets an app set, a gateway that echoes them in its error,
 * and a counter of where they end up. Shared by test/e2e/secret-redaction.test.ts and the secrets family of
 * test/adversarial.
 */
import { runApp, type AppRun } from './run-app.js';

/** One secret per field a client library lets the user set; none has the shape of a well-known key. */
export const SECRETS = {
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
export type SecretName = keyof typeof SECRETS;

const CLIENT_HEADERS: SecretName[] = ['HEADER_API_KEY', 'HEADER_X_API_KEY', 'HEADER_AUTHORIZATION', 'HEADER_CONFIGURED', 'HEADER_AMZ'];
const CLIENT_QUERY: SecretName[] = ['QUERY_KEY', 'QUERY_TOKEN', 'QUERY_SIGNATURE', 'QUERY_AMZ', 'QUERY_CONFIGURED'];

export interface SdkCase {
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

export const SDKS: Record<string, SdkCase> = {
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

export function hits(bytes: Buffer): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [name, value] of Object.entries(SECRETS)) {
    let count = 0;
    for (let at = bytes.indexOf(value); at !== -1; at = bytes.indexOf(value, at + 1)) count++;
    if (count > 0) found[name] = count;
  }
  return found;
}

export async function runWithSecrets(sdk: string, module: 'cjs' | 'esm' = 'cjs'): Promise<AppRun> {
  return runApp({
    module,
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
