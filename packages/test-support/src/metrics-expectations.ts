import { expect } from 'vitest';
import type { CollectedMetric } from './metrics.js';

/**
 * What the GenAI metrics must look like, written out from gen-ai-metrics.md (not imported from the code
 * under test): the advised bucket boundaries, the descriptions, and point shapes to compare whole.
 */

/** gen-ai-metrics.md: ExplicitBucketBoundaries of `gen_ai.client.token.usage`. */
export const TOKEN_BOUNDARIES = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
/** gen-ai-metrics.md: ExplicitBucketBoundaries of the duration and chunk-timing histograms (seconds). */
export const SECONDS_BOUNDARIES = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

export const METRIC_DESCRIPTIONS = {
  'gen_ai.client.cost': 'Cost of GenAI calls, in the currency named by gen_ai.usage.cost.currency (llm-provenance).',
  'gen_ai.client.operation.duration': 'GenAI operation duration.',
  'gen_ai.client.operation.time_per_output_chunk':
    'Time per output chunk, recorded for each chunk received after the first one, measured as the time elapsed from the end of the previous chunk to the end of the current chunk.',
  'gen_ai.client.operation.time_to_first_chunk':
    'Time to receive the first chunk, measured from when the client issues the generation request to when the first chunk is received in the response stream.',
  'gen_ai.client.token.usage': 'Number of input and output tokens used.',
} as const;

const UNITS = {
  'gen_ai.client.cost': '{currency}',
  'gen_ai.client.operation.duration': 's',
  'gen_ai.client.operation.time_per_output_chunk': 's',
  'gen_ai.client.operation.time_to_first_chunk': 's',
  'gen_ai.client.token.usage': '{token}',
} as const;

/** A collected metric or point as a test expects it (asymmetric matchers allowed). */
export interface ExpectedMetric {
  scope: string;
  name: string;
  unit: string;
  description: string;
  type: 'histogram' | 'sum';
  points: unknown[];
}
export interface ExpectedPoint {
  attributes: Record<string, unknown>;
  value?: number;
  histogram?: Record<string, unknown>;
}

/** A whole collected metric of instrumentation scope `scope`, with its spec unit, description and kind. */
export function expectedMetric(scope: string, name: keyof typeof METRIC_DESCRIPTIONS, points: unknown[]): ExpectedMetric {
  return { scope, name, unit: UNITS[name], description: METRIC_DESCRIPTIONS[name], type: name === 'gen_ai.client.cost' ? 'sum' : 'histogram', points };
}

/** A token histogram point holding exactly `values`, in the advised buckets. */
export function tokenPoint(attributes: Record<string, unknown>, ...values: number[]): ExpectedPoint {
  const counts = TOKEN_BOUNDARIES.map(() => 0).concat(0);
  for (const value of values) {
    const index = TOKEN_BOUNDARIES.findIndex((bound) => value <= bound);
    counts[index === -1 ? TOKEN_BOUNDARIES.length : index]! += 1;
  }
  const histogram = {
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    min: Math.min(...values),
    max: Math.max(...values),
    boundaries: TOKEN_BOUNDARIES,
    counts,
  };
  return { attributes, histogram };
}

/** A seconds histogram point with `count` values, whatever they were (see `expectConsistentTimings`). */
export function secondsPoint(attributes: Record<string, unknown>, count: number): ExpectedPoint {
  const anyNumber: unknown = expect.any(Number);
  const anyArray: unknown = expect.any(Array);
  return {
    attributes,
    histogram: { count, sum: anyNumber, min: anyNumber, max: anyNumber, boundaries: SECONDS_BOUNDARIES, counts: anyArray },
  };
}

/** A cost counter point. */
export function costPoint(attributes: Record<string, unknown>, currency: string, source: string, value: number): ExpectedPoint {
  return { attributes: { ...attributes, 'gen_ai.usage.cost.currency': currency, 'gen_ai.usage.cost.source': source }, value };
}

/** Checks what `secondsPoint` leaves open: non-negative values, each counted in exactly one bucket. */
export function expectConsistentTimings(collected: CollectedMetric[]): void {
  for (const metric of collected.filter((m) => m.unit === 's')) {
    for (const { histogram } of metric.points) {
      expect(histogram!.counts).toHaveLength(SECONDS_BOUNDARIES.length + 1);
      expect(histogram!.counts.reduce((a, b) => a + b, 0)).toBe(histogram!.count);
      expect(histogram!.min).toBeGreaterThanOrEqual(0);
      expect(histogram!.sum).toBeGreaterThanOrEqual(histogram!.max!);
    }
  }
}
