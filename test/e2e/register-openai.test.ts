/**
 * An unmodified app using the real openai SDK, started with `node --require .../register` (CommonJS) or
 * `node --import .../register` (ES module), exports OTLP to a loopback receiver and writes the store.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { verifyStore } from '@llm-provenance/cid-exporter';
import {
  allStoreBytes,
  cidOf,
  emulatorPort,
  expectProcessResource,
  PLANTED_API_KEY,
  provenanceOf,
  RAW,
  readStore,
  runApp,
  type AppRun,
} from '../harness/index.js';

const SYSTEM = 'You are terse.';
const USER = 'Say hello to the provenance store';
const REPLY = `Echo: ${USER}`;
const INPUT_MESSAGES = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: USER }] }]);
const SYSTEM_INSTRUCTIONS = JSON.stringify([{ type: 'text', content: SYSTEM }]);
const OUTPUT_MESSAGES = JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: REPLY }], finish_reason: 'stop' }]);

/** Everything the OpenAI instrumentation reports for the fixtures' chat call (store attributes aside). */
function chatAttributes(run: AppRun) {
  return {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-4o-mini',
    'gen_ai.request.max_tokens': 50,
    'gen_ai.request.temperature': 0,
    'server.address': '127.0.0.1',
    'server.port': emulatorPort(run),
    'openai.api.type': 'chat_completions',
    'provenance.credential.fingerprint': fingerprintCredential(PLANTED_API_KEY),
    'gen_ai.system_instructions': SYSTEM_INSTRUCTIONS,
    'gen_ai.input.messages': INPUT_MESSAGES,
    'openai.response.service_tier': 'default',
    'openai.response.system_fingerprint': 'fp_emu',
    'gen_ai.response.id': 'chatcmpl-emu-1',
    'gen_ai.response.model': 'gpt-4o-mini',
    'gen_ai.response.finish_reasons': ['stop'],
    // The emulator counts words: 3 + 6 in, 7 out.
    'gen_ai.usage.input_tokens': 9,
    'gen_ai.usage.output_tokens': 7,
    'gen_ai.usage.cache_read.input_tokens': 0,
    'gen_ai.usage.reasoning.output_tokens': 0,
    'gen_ai.usage.cost.amount': (9 * 0.15 + 7 * 0.6) / 1e6,
    'gen_ai.usage.cost.currency': 'USD',
    'gen_ai.usage.cost.source': 'price_table',
    'gen_ai.output.messages': OUTPUT_MESSAGES,
    'provenance.provider.request_id': 'req_emu_1',
  };
}

const MATRIX = [
  { module: 'cjs', app: 'fixtures/openai-chat.cjs', protocol: 'http/protobuf' },
  { module: 'cjs', app: 'fixtures/openai-chat.cjs', protocol: 'http/json' },
  { module: 'esm', app: 'fixtures/openai-chat.mjs', protocol: 'http/protobuf' },
  { module: 'esm', app: 'fixtures/openai-chat.mjs', protocol: 'http/json' },
  // --import also serves a CommonJS app (the loader hook and require hooks both apply).
  { module: 'esm', app: 'fixtures/openai-chat.cjs', protocol: 'http/protobuf' },
  // --require serves an ES module app too: it sees the .mjs entry and registers the loader hook itself.
  { module: 'cjs', app: 'fixtures/openai-chat.mjs', protocol: 'http/json' },
] as const;

describe.each(MATRIX)('$app under --$module register, OTLP $protocol', ({ module, app, protocol }) => {
  it('exports one CLIENT span with the full chat attribute set, the store CIDs and the process resource', async () => {
    const run = await runApp({ module, app, protocol, env: { OTEL_SERVICE_NAME: `chat-${module}` } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ id: 'chatcmpl-emu-1', content: REPLY });
    expect(run.exports.map((received) => received.protocol)).toEqual([protocol]);

    expect(run.spans).toHaveLength(1);
    const [span] = run.spans;
    expect(span!.name).toBe('chat gpt-4o-mini');
    expect(span!.kind).toBe('CLIENT');
    expect(span!.parentSpanId).toBeUndefined();
    expect(span!.status).toEqual({ code: 0, message: undefined });
    expect(span!.scope.name).toBe('@llm-provenance/instrumentation-openai');
    expect(span!.attributes).toEqual({ ...chatAttributes(run), ...(await provenanceOf(run, 0)) });
    expectProcessResource(span!, `chat-${module}`);
  });
});

describe('ES modules loaded from a CommonJS entry point', () => {
  it('are not patched under --require alone: only the loader hook can see them', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat-via-import.cjs' });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).id).toBe('chatcmpl-emu-1');
    expect(run.spans).toEqual([]);
  });

  it('are patched when --import is given as well: the second entry adds the loader hook', async () => {
    const run = await runApp({ module: 'both', app: 'fixtures/openai-chat-via-import.cjs' });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
    expect(run.spans[0]!.attributes).toEqual({ ...chatAttributes(run), ...(await provenanceOf(run, 0)) });
  });
});

describe('the store behind the OTLP export', () => {
  it('holds exactly the records and payloads the forwarded span points at, and verifies', async () => {
    const run = await runApp({ module: 'esm', app: 'fixtures/openai-chat.mjs' });
    expect(run.exitCode).toBe(0);
    const [span] = run.spans;
    const { logs, blocks, checkpoints } = await readStore(run.storeDir!);
    const [log] = logs;
    expect(log!.records).toHaveLength(1);
    const record = log!.records[0]!;

    expect(span!.attributes['provenance.record.cid']).toBe(log!.cids[0]);
    expect(record).toMatchObject({
      v: 2,
      type: 'span',
      log: log!.logId,
      seq: 0,
      prev: null,
      traceId: span!.traceId,
      spanId: span!.spanId,
      parentSpanId: null,
      name: 'chat gpt-4o-mini',
      kind: 'CLIENT',
      start: String(span!.startTimeUnixNano),
      end: String(span!.endTimeUnixNano),
    });
    // The resource attributes are a dag-json block of their own, linked from the record (format v2).
    expect(Object.keys(record.resource)).toEqual(['/']);
    expect(JSON.parse(Buffer.from(blocks.get(record.resource['/'])!).toString('utf8'))).toMatchObject({
      'service.name': '@llm-provenance/e2e-tests',
      'service.instance.id': span!.resource['service.instance.id'],
    });
    // Content never sits in the record itself: it is linked, and the blocks hold the exact bytes.
    expect(record.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(record.input).toEqual({ '/': span!.attributes['provenance.input.cid'] });
    expect(record.output).toEqual({ '/': span!.attributes['provenance.output.cid'] });
    const input = JSON.parse(Buffer.from(blocks.get(record.input['/'])!).toString('utf8'));
    expect(input).toEqual({
      'gen_ai.input.messages': { '/': await cidOf(Buffer.from(INPUT_MESSAGES), RAW) },
      'gen_ai.system_instructions': { '/': await cidOf(Buffer.from(SYSTEM_INSTRUCTIONS), RAW) },
    });
    expect(Buffer.from(blocks.get(input['gen_ai.input.messages']['/'])!).toString('utf8')).toBe(INPUT_MESSAGES);
    const output = JSON.parse(Buffer.from(blocks.get(record.output['/'])!).toString('utf8'));
    expect(Buffer.from(blocks.get(output['gen_ai.output.messages']['/'])!).toString('utf8')).toBe(OUTPUT_MESSAGES);

    // Normal exit checkpointed and closed the log (no lock left behind), and the cid-exporter's own verifier
    // agrees with all of it.
    expect(checkpoints).toEqual([`${log!.logId}.000000000001.json`]);
    expect(readdirSync(path.join(run.storeDir!, 'logs'))).toEqual([`${log!.logId}.jsonl`]);
    const report = verifyStore(run.storeDir!);
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.logs).toEqual([{ log: log!.logId, file: `logs/${log!.logId}.jsonl`, records: 1, checkpoints: 1, signedSize: 1, dropped: 0 }]);
  });

  it('never lets the API key reach the OTLP receiver or the store', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', protocol: 'http/json' });
    expect(run.exitCode).toBe(0);
    // The key was really used for the call...
    expect(run.emulatorRequests[0]!.headers.authorization).toBe(`Bearer ${PLANTED_API_KEY}`);
    // ...and appears neither in what was exported nor in what was stored.
    expect(run.otlpBytes.length).toBeGreaterThan(1000);
    expect(run.otlpBytes.includes(PLANTED_API_KEY)).toBe(false);
    expect(run.otlpBytes.includes('sk-planted')).toBe(false);
    expect(allStoreBytes(run.storeDir!).includes(PLANTED_API_KEY)).toBe(false);
  });
});
