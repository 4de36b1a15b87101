import { createNoopMeter, diag, ValueType, type Attributes, type Counter, type Histogram, type Meter, type TimeInput } from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GenAiTokenType,
  METRIC_GEN_AI_CLIENT_COST,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_UNIT_GEN_AI_CLIENT_COST,
  METRIC_UNIT_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_UNIT_SECONDS,
} from '@llm-provenance/semantic-conventions';

/**
 * The GenAI client metrics (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-metrics/) and our
 * cost counter, recorded once per call when its span ends (genai-span.ts), for every backend alike.
 */

/** gen-ai-metrics.md: the explicit bucket boundaries advised for `gen_ai.client.token.usage`. */
export const GEN_AI_TOKEN_USAGE_BUCKETS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);
/**
 * gen-ai-metrics.md: the explicit bucket boundaries advised for `gen_ai.client.operation.duration`,
 * `gen_ai.client.operation.time_to_first_chunk` and `gen_ai.client.operation.time_per_output_chunk` (seconds).
 */
export const GEN_AI_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]);

/** The instruments of one meter, created once per meter. */
export interface GenAIInstruments {
  readonly tokenUsage: Histogram;
  readonly operationDuration: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly timePerOutputChunk: Histogram;
  readonly cost: Counter;
}

/**
 * The metric instruments of one instrumentation. Stable for the instrumentation's lifetime; `useMeter`
 * swaps what is behind it when the instrumentation gets another MeterProvider. While its meter is the
 * API's no-op meter (no MeterProvider registered), `instruments` is undefined and a call measures nothing:
 * no timestamps per chunk, no attribute maps, no record calls.
 */
export class GenAIMetrics {
  instruments: GenAIInstruments | undefined = undefined;

  constructor(meter: Meter) {
    this.useMeter(meter);
  }

  useMeter(meter: Meter): void {
    try {
      this.instruments = meter === createNoopMeter() ? undefined : createInstruments(meter);
    } catch (err) {
      this.instruments = undefined;
      diag.warn(`@llm-provenance/instrumentation-common: GenAI metrics are off, their instruments could not be created: ${String(err)}`);
    }
  }
}

function createInstruments(meter: Meter): GenAIInstruments {
  const seconds = (name: string, description: string) =>
    meter.createHistogram(name, { description, unit: METRIC_UNIT_SECONDS, advice: { explicitBucketBoundaries: [...GEN_AI_DURATION_BUCKETS] } });
  return {
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: 'Number of input and output tokens used.',
      unit: METRIC_UNIT_GEN_AI_CLIENT_TOKEN_USAGE,
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [...GEN_AI_TOKEN_USAGE_BUCKETS] },
    }),
    operationDuration: seconds(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, 'GenAI operation duration.'),
    timeToFirstChunk: seconds(
      METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
      'Time to receive the first chunk, measured from when the client issues the generation request to when the first chunk is received in the response stream.',
    ),
    timePerOutputChunk: seconds(
      METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
      'Time per output chunk, recorded for each chunk received after the first one, measured as the time elapsed from the end of the previous chunk to the end of the current chunk.',
    ),
    cost: meter.createCounter(METRIC_GEN_AI_CLIENT_COST, {
      description: 'Cost of GenAI calls, in the currency named by gen_ai.usage.cost.currency (llm-provenance).',
      unit: METRIC_UNIT_GEN_AI_CLIENT_COST,
      valueType: ValueType.DOUBLE,
    }),
  };
}

let reportedRecordFailure = false;

/**
 * What one call contributes to the metrics, collected while it runs and recorded when its span ends. Made
 * only while a MeterProvider is registered. Times are `performance.now()` milliseconds.
 */
export class CallMeasurement {
  private readonly base: Attributes = {};
  private responseModel: string | undefined = undefined;
  private inputTokens: number | undefined = undefined;
  private outputTokens: number | undefined = undefined;
  private costAmount: number | undefined = undefined;
  private costCurrency: string | undefined = undefined;
  private costSource: string | undefined = undefined;
  private errorType: string | undefined = undefined;
  private firstChunkAt: number | undefined = undefined;
  private lastChunkAt = 0;
  /** Gaps between consecutive chunks (ms), recorded at the end when every attribute is known. */
  private chunkGaps: number[] | undefined = undefined;

  /** `requestAttributes`: the span's start attributes, whose operation, provider, model and server are the metrics' too. */
  constructor(
    private readonly instruments: GenAIInstruments,
    requestAttributes: Attributes,
    private readonly startedAt: number,
  ) {
    const base = this.base;
    copyString(requestAttributes, base, ATTR_GEN_AI_OPERATION_NAME);
    copyString(requestAttributes, base, ATTR_GEN_AI_PROVIDER_NAME);
    copyString(requestAttributes, base, ATTR_GEN_AI_REQUEST_MODEL);
    if (copyString(requestAttributes, base, ATTR_SERVER_ADDRESS)) {
      const port = requestAttributes[ATTR_SERVER_PORT];
      if (typeof port === 'number') base[ATTR_SERVER_PORT] = port;
    }
  }

  /** A stream chunk arrived at `now`. */
  onChunk(now: number): void {
    if (this.firstChunkAt === undefined) this.firstChunkAt = now;
    else (this.chunkGaps ??= []).push(now - this.lastChunkAt);
    this.lastChunkAt = now;
  }

  /** The attributes a response added to the span (see `responseSpanAttributes`); later responses win. */
  onResponse(attributes: Attributes): void {
    const model = attributes[ATTR_GEN_AI_RESPONSE_MODEL];
    if (typeof model === 'string') this.responseModel = model;
    const input = attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS];
    if (isCount(input)) this.inputTokens = input;
    const output = attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS];
    if (isCount(output)) this.outputTokens = output;
    const amount = attributes[ATTR_GEN_AI_USAGE_COST_AMOUNT];
    const currency = attributes[ATTR_GEN_AI_USAGE_COST_CURRENCY];
    if (typeof amount === 'number' && Number.isFinite(amount) && amount >= 0 && typeof currency === 'string') {
      this.costAmount = amount;
      this.costCurrency = currency;
      const source = attributes[ATTR_GEN_AI_USAGE_COST_SOURCE];
      this.costSource = typeof source === 'string' ? source : undefined;
    }
  }

  /** The call failed with this `error.type`. */
  onError(errorType: string): void {
    this.errorType = errorType;
  }

  /**
   * Records the call (once, when its span ends at `endTime`, default now). Token usage only for a call that
   * did not fail (gen-ai-metrics.md) and only for the token types the provider reported; the cost whenever
   * one is known (a failed stream may have been billed); the chunk timings for a stream that sent any.
   */
  finish(endTime?: TimeInput): void {
    try {
      const { instruments, base } = this;
      if (this.responseModel !== undefined) base[ATTR_GEN_AI_RESPONSE_MODEL] = this.responseModel;
      const endedAt = endTime === undefined ? performance.now() : performanceTimeOf(endTime);
      const durationAttributes = this.errorType === undefined ? base : { ...base, [ATTR_ERROR_TYPE]: this.errorType };
      instruments.operationDuration.record(Math.max(0, endedAt - this.startedAt) / 1000, durationAttributes);
      if (this.errorType === undefined) {
        if (this.inputTokens !== undefined) instruments.tokenUsage.record(this.inputTokens, { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GenAiTokenType.INPUT });
        if (this.outputTokens !== undefined) instruments.tokenUsage.record(this.outputTokens, { ...base, [ATTR_GEN_AI_TOKEN_TYPE]: GenAiTokenType.OUTPUT });
      }
      if (this.costAmount !== undefined) {
        const costAttributes: Attributes = { ...base, [ATTR_GEN_AI_USAGE_COST_CURRENCY]: this.costCurrency };
        if (this.costSource !== undefined) costAttributes[ATTR_GEN_AI_USAGE_COST_SOURCE] = this.costSource;
        instruments.cost.add(this.costAmount, costAttributes);
      }
      if (this.firstChunkAt !== undefined) {
        instruments.timeToFirstChunk.record(Math.max(0, this.firstChunkAt - this.startedAt) / 1000, base);
        const gaps = this.chunkGaps;
        if (gaps) for (const gap of gaps) instruments.timePerOutputChunk.record(gap / 1000, base);
      }
    } catch (err) {
      // Metrics never break the call nor the span: a failing SDK costs the measurement only.
      if (!reportedRecordFailure) {
        reportedRecordFailure = true;
        diag.warn(`@llm-provenance/instrumentation-common: recording GenAI metrics failed: ${String(err)}`);
      }
    }
  }
}

function copyString(from: Attributes, to: Attributes, key: string): boolean {
  const value = from[key];
  if (typeof value !== 'string') return false;
  to[key] = value;
  return true;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** `performance.now()` time of an OTel TimeInput (a Date, epoch or performance milliseconds, or an HrTime). */
function performanceTimeOf(time: TimeInput): number {
  const origin = performance.timeOrigin;
  if (time instanceof Date) return time.getTime() - origin;
  if (typeof time === 'number') return time < origin ? time : time - origin;
  return time[0] * 1000 + time[1] / 1e6 - origin;
}
