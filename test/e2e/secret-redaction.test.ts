/**
 * Secrets an app configures on its SDK client never leave the process: not when a gateway echoes them in
 * an error body (status message, exception message and stack), not from the command line
 * (`process.command_args`), neither in the store nor over OTLP.
 */
import { describe, expect, it } from 'vitest';
import { allStoreBytes, readStore } from '../harness/index.js';
import { hits, runWithSecrets, SECRETS } from '../harness/planted-secrets.js';

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
