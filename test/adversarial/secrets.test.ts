/**
 * Family 6, secrets: an app sets a planted secret in every credential-bearing field its SDK client has
 * (API key, webhook secret, default headers and query parameters, URL user info, one the app names in
 * LLM_PROVENANCE_REDACT_NAMES, and one on its command line), and a gateway echoes them all back in an error
 * body (test/harness/planted-secrets.ts, as test/e2e/secret-redaction.test.ts uses it). Every byte that
 * left the process, in the store and over OTLP, is searched for every secret: 0 hits.
 */
import { describe, expect, it } from 'vitest';
import { allStoreBytes } from '../harness/index.js';
import { hits, runWithSecrets, SDKS, SECRETS } from '../harness/planted-secrets.js';
import { note, tally } from './tally.js';
import { FULL } from './runs.js';

const summary = tally('secrets');
const MODULES = FULL ? (['cjs', 'esm'] as const) : (['esm'] as const);
const matrix = Object.keys(SDKS).flatMap((sdk) => MODULES.map((module) => [sdk, module] as const));

describe(`planted secrets (${matrix.length} app runs, ${Object.keys(SECRETS).length} secrets searched in each)`, () => {
  it.each(matrix)('%s client (%s): no secret in the store or in OTLP', async (sdk, module) => {
    const run = await runWithSecrets(sdk, module);
    expect(run.exitCode).toBe(0);
    // Both calls failed as the app expects and were recorded, so there was something to leak.
    expect(run.stdout).toBe(SDKS[sdk]!.stdout);
    expect(run.spans).toHaveLength(2);
    summary.cases++;
    note(summary, 'secrets planted', SDKS[sdk]!.configured.length + 2);
    const found = { otlp: hits(run.otlpBytes), store: hits(allStoreBytes(run.storeDir!)) };
    const count = (h: Record<string, number>) => Object.values(h).reduce((a, b) => a + b, 0);
    summary.secretHits += count(found.otlp) + count(found.store);
    note(summary, 'bytes searched', run.otlpBytes.length + allStoreBytes(run.storeDir!).length);
    expect(found).toEqual({ otlp: {}, store: {} });
  });
});
