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

export function hits(bytes: Buffer): Record<string, number> {
  const found: Record<string, number> = {};
  for (const [name, value] of Object.entries(SECRETS)) {
    let count = 0;
    for (let at = bytes.indexOf(value); at !== -1; at = bytes.indexOf(value, at + 1)) count++;
    if (count > 0) found[name] = count;
  }
  return found;
}

export async function runWithSecrets(sdk: 'openai' | 'anthropic', module: 'cjs' | 'esm' = 'cjs'): Promise<AppRun> {
  return runApp({
    module,
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
