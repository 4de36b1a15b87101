/**
 * An unmodified app calling self-hosted inference servers over plain HTTP (global fetch, node:http),
 * started with `node --require .../register`: each call gets one span with its whole attribute map, the
 * store records it with the CIDs of its inputs and outputs, and the planted key is nowhere in the OTLP
 * export or the store.
 */
import { expect, it } from 'vitest';
import { fingerprintCredential } from '@llm-provenance/instrumentation-common';
import { allStoreBytes, emulatorServerAttributes, PLANTED_API_KEY, provenanceOf, runApp } from '../harness/index.js';
import { outputMessages as output, textParts as text, userMessages } from '../harness/index.js';

it('traces vLLM, OPEA and a REST model server reached without an SDK, and stores every call', async () => {
  const run = await runApp({
    module: 'cjs',
    app: 'fixtures/inference-servers-calls.cjs',
    env: ({ emulatorUrl }) => ({ LLM_PROVENANCE_INFERENCE_SERVERS: `vllm=${emulatorUrl}` }),
  });
  expect(run.stderr).toBe('');
  expect(run.exitCode).toBe(0);
  expect(
    run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown),
  ).toEqual([{ vllm: expect.any(Number) }, { opea: 'chatqna: what is OPEA?' }, { modelServer: 404 }]);
  const server = emulatorServerAttributes(run);
  const fingerprint = { 'provenance.credential.fingerprint': fingerprintCredential(PLANTED_API_KEY) };
  expect(run.spans.map((s) => [s.name, s.scope.name])).toEqual([
    ['chat qwen', '@llm-provenance/instrumentation-inference-servers'],
    ['chat', '@llm-provenance/instrumentation-inference-servers'],
    ['infer missing', '@llm-provenance/instrumentation-inference-servers'],
  ]);
  expect(run.spans.map((s) => s.attributes)).toEqual([
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'vllm',
      'gen_ai.request.model': 'qwen',
      ...server,
      ...fingerprint,
      'gen_ai.request.stream': true,
      'gen_ai.input.messages': userMessages('a b c'),
      'gen_ai.response.id': 'chatcmpl-emu-1',
      'gen_ai.response.model': 'qwen',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.usage.cache_read.input_tokens': 0,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'gen_ai.output.messages': output(text('Echo: a b c'), 'stop'),
      'gen_ai.response.time_to_first_chunk': expect.any(Number),
      'provenance.provider.request_id': 'req_emu_1',
      ...(await provenanceOf(run, 0)),
    },
    {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'opea',
      ...server,
      ...fingerprint,
      'gen_ai.request.stream': false,
      'opea.service': 'chatqna',
      'gen_ai.input.messages': userMessages('what is OPEA?'),
      'gen_ai.response.id': 'chatcmpl-opea-2',
      'gen_ai.response.model': 'chatqna',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 3,
      'gen_ai.usage.output_tokens': 4,
      'gen_ai.output.messages': output(text('chatqna: what is OPEA?'), 'stop'),
      ...(await provenanceOf(run, 1)),
    },
    {
      'gen_ai.operation.name': 'infer',
      'gen_ai.provider.name': 'model_server',
      'gen_ai.request.model': 'missing',
      ...server,
      ...fingerprint,
      'gen_ai.input.messages': userMessages('x'),
      'error.type': '404',
      'http.response.status_code': 404,
      ...(await provenanceOf(run, 2)),
    },
  ]);
  for (const [seq, span] of run.spans.entries()) {
    const cids = await provenanceOf(run, seq);
    expect(cids['provenance.input.cid']).toMatch(/^b/);
    if (seq < 2) expect(cids['provenance.output.cid']).toMatch(/^b/);
    expect(span.attributes['provenance.record.cid']).toBe(cids['provenance.record.cid']);
  }
  expect(run.otlpBytes.includes(PLANTED_API_KEY)).toBe(false);
  expect(allStoreBytes(run.storeDir!).includes(PLANTED_API_KEY)).toBe(false);
});
