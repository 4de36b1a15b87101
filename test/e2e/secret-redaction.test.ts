/**
 * Secrets an app configures on its SDK client never leave the process: not when a gateway echoes them in
 * an error body (status message, exception message and stack), not when the SDK or fetch names the base
 * URL with its user info in an error, not from the command line (`process.command_args`), neither in the
 * store nor over OTLP. Every SDK is covered, each with every credential-bearing field it lets a user set
 * (test/fixtures/secrets-in-every-field.cjs).
 */
import { describe, expect, it } from 'vitest';
import { allStoreBytes, readStore } from '../harness/index.js';
import { hits, runWithSecrets, SDKS, SECRETS } from '../harness/planted-secrets.js';

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
