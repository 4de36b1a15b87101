import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import * as esm from '@llm-provenance/semantic-conventions';

const require = createRequire(import.meta.url);

describe('semantic-conventions', () => {
  it('exports the same names from the CommonJS and ES module builds', () => {
    const cjs = require('@llm-provenance/semantic-conventions');
    expect(Object.keys(cjs).sort()).toEqual(Object.keys(esm).sort());
    expect(cjs.ATTR_GEN_AI_PROVIDER_NAME).toBe('gen_ai.provider.name');
  });

  it('uses the GenAI registry spellings for token counts and content attributes', () => {
    expect([
      esm.ATTR_GEN_AI_USAGE_INPUT_TOKENS,
      esm.ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      esm.ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
      esm.ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
      esm.ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
    ]).toEqual([
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.output_tokens',
      'gen_ai.usage.cache_read.input_tokens',
      'gen_ai.usage.cache_creation.input_tokens',
      'gen_ai.usage.reasoning.output_tokens',
    ]);
    expect(esm.GEN_AI_CONTENT_ATTRIBUTES).toEqual([
      'gen_ai.input.messages',
      'gen_ai.output.messages',
      'gen_ai.system_instructions',
      'gen_ai.tool.definitions',
      'gen_ai.tool.call.arguments',
      'gen_ai.tool.call.result',
    ]);
  });

  it('names the routing and BullMQ attributes', () => {
    expect([esm.ATTR_PROVENANCE_ROUTE_CANDIDATES, esm.ATTR_PROVENANCE_ROUTE_ATTEMPT]).toEqual(['provenance.route.candidates', 'provenance.route.attempt']);
    expect([
      esm.ROUTE_REASON_FALLBACK_AFTER_ERROR,
      esm.ROUTE_REASON_RATE_LIMITED,
      esm.ROUTE_REASON_CHEAPEST,
      esm.ROUTE_REASON_LATENCY,
      esm.ROUTE_REASON_PREFERRED,
    ]).toEqual(['fallback_after_error', 'rate_limited', 'cheapest', 'latency', 'preferred']);
    expect([esm.ATTR_BULLMQ_JOB_NAME, esm.ATTR_BULLMQ_JOB_ATTEMPT, esm.ATTR_BULLMQ_JOB_OUTCOME, esm.ATTR_BULLMQ_JOB_QUEUE_WAIT_MS]).toEqual([
      'bullmq.job.name',
      'bullmq.job.attempt',
      'bullmq.job.outcome',
      'bullmq.job.queue_wait_ms',
    ]);
  });

  it('has no two constants with the same attribute name', () => {
    const attrs = Object.entries(esm)
      .filter(([k]) => k.startsWith('ATTR_'))
      .map(([, v]) => v);
    expect(new Set(attrs).size).toBe(attrs.length);
  });
});
