import type { Attributes } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { AggregationTemporality, DataPointType, MeterProvider, MetricReader, type Histogram } from '@opentelemetry/sdk-metrics';

/** A reader the test collects from when it wants: no timers, nothing exported anywhere. */
class CollectOnDemandReader extends MetricReader {
  constructor() {
    // Delta: each collect() holds only what was recorded since the previous one, so tests need no reset.
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** One data point of a collected metric, in a shape a test can compare whole. */
export interface CollectedPoint {
  attributes: Attributes;
  /** A counter's sum. */
  value?: number;
  /** A histogram's aggregate: count, sum, min, max and its buckets (boundaries and per-bucket counts). */
  histogram?: { count: number; sum: number; min: number | undefined; max: number | undefined; boundaries: number[]; counts: number[] };
}

/** One collected metric: its descriptor and data points, from one instrumentation scope. */
export interface CollectedMetric {
  scope: string;
  name: string;
  unit: string;
  description: string;
  type: 'histogram' | 'sum' | 'other';
  points: CollectedPoint[];
}

export interface MetricsCapture {
  provider: MeterProvider;
  /** Everything recorded since the previous call, sorted by metric name. */
  collect(): Promise<CollectedMetric[]>;
  shutdown(): Promise<void>;
}

/**
 * A real MeterProvider (the SDK's) with a reader collected on demand, set on `instrumentation` the way
 * `registerInstrumentations` and the NodeSDK do (`setMeterProvider`).
 */
export function setupMetrics(instrumentation: Instrumentation): MetricsCapture {
  const reader = new CollectOnDemandReader();
  const provider = new MeterProvider({ readers: [reader] });
  instrumentation.setMeterProvider(provider);
  return {
    provider,
    async collect() {
      const { resourceMetrics, errors } = await reader.collect();
      if (errors.length > 0) throw new AggregateError(errors, 'metric collection failed');
      const out: CollectedMetric[] = [];
      for (const scopeMetrics of resourceMetrics.scopeMetrics) {
        for (const metric of scopeMetrics.metrics) {
          if (metric.dataPoints.length === 0) continue;
          const type = metric.dataPointType === DataPointType.HISTOGRAM ? 'histogram' : metric.dataPointType === DataPointType.SUM ? 'sum' : 'other';
          out.push({
            scope: scopeMetrics.scope.name,
            name: metric.descriptor.name,
            unit: metric.descriptor.unit,
            description: metric.descriptor.description,
            type,
            points: metric.dataPoints.map((point) => {
              if (type !== 'histogram') return { attributes: point.attributes, value: point.value as number };
              const h = point.value as Histogram;
              return {
                attributes: point.attributes,
                histogram: { count: h.count, sum: h.sum ?? 0, min: h.min, max: h.max, boundaries: h.buckets.boundaries, counts: h.buckets.counts },
              };
            }),
          });
        }
      }
      return out.sort((a, b) => a.name.localeCompare(b.name));
    },
    shutdown: () => provider.shutdown(),
  };
}
