import type { Attributes } from '@opentelemetry/api';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';
import type { MetricReader } from '@opentelemetry/sdk-metrics';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { CidSpanExporterOptions } from '@llm-provenance/cid-exporter';
import type { MetricsOptions } from './metrics-config.js';

/** OTLP transports this package can send over (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#specify-protocol). */
export type OtlpProtocol = 'grpc' | 'http/protobuf' | 'http/json';

/** Request compression (OTEL_EXPORTER_OTLP_COMPRESSION). */
export type OtlpCompression = 'gzip' | 'none';

export interface OtlpOptions {
  /** Default: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, then OTEL_EXPORTER_OTLP_PROTOCOL, then `http/protobuf`. */
  protocol?: OtlpProtocol;
  /**
   * Where to send: the full traces URL over HTTP (e.g. `http://127.0.0.1:4318/v1/traces`), `scheme://host:port`
   * over gRPC (e.g. `http://127.0.0.1:4317`; `http` means no TLS). Default: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
   * then OTEL_EXPORTER_OTLP_ENDPOINT (+ `/v1/traces` over HTTP), then `http://localhost:4318/v1/traces` over
   * HTTP and `http://localhost:4317` over gRPC.
   */
  url?: string;
  /** Extra HTTP headers (gRPC metadata over gRPC). Default: the exporter reads OTEL_EXPORTER_OTLP_(TRACES_)HEADERS. */
  headers?: Record<string, string>;
  /** Per-request timeout. Default: the exporter reads OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT (10 s). */
  timeoutMillis?: number;
  /** Default: the exporter reads OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION (none). */
  compression?: OtlpCompression;
}

/** OTLP settings in effect: the transport and the endpoint are always decided. */
export interface ResolvedOtlpOptions extends OtlpOptions {
  protocol: OtlpProtocol;
  url: string;
}

/**
 * Provenance store settings: the CidSpanExporter's options (see @llm-provenance/cid-exporter) without the
 * parts this package wires itself (`forwardTo`, `store`, `onWarning`).
 */
export interface StoreOptions extends Omit<CidSpanExporterOptions, 'forwardTo' | 'store' | 'onWarning'> {
  /** Store directory. Default: LLM_PROVENANCE_DIR, then `./.llm-provenance` (relative to the working directory). */
  dir?: string;
}

/** Options of {@link start}. Every option overrides the matching environment variable. */
export interface StartOptions {
  /** `service.name`. Default: OTEL_SERVICE_NAME, then the app's package.json name, then `unknown_service:node`. */
  serviceName?: string;
  /** Extra resource attributes (override detected ones). */
  resourceAttributes?: Attributes;
  /** Provenance store (CidSpanExporter). `false` turns it off. Default: on (LLM_PROVENANCE_STORE). */
  store?: false | StoreOptions;
  /** OTLP trace export (gRPC or HTTP). `false` turns it off. Default: on when the OTLP env vars ask for it. */
  otlp?: false | OtlpOptions;
  /** Also print spans with the SDK's ConsoleSpanExporter. Default: OTEL_TRACES_EXPORTER contains `console`. */
  console?: boolean;
  /** Further exporters (e.g. an InMemorySpanExporter in tests); they receive what the store forwards. */
  spanExporters?: SpanExporter[];
  /** GenAI metrics export (README.md, "Metrics"). `false` turns it off. Default: on when OTEL_METRICS_EXPORTER asks for it. */
  metrics?: false | MetricsOptions;
  /** Further metric readers (e.g. an in-memory one in tests); with any, a MeterProvider is registered. */
  metricReaders?: MetricReader[];
  /** Use exactly these instrumentations instead of the built-in list. */
  instrumentations?: Instrumentation[];
  /** Names from the built-in list to turn on. Default: OTEL_NODE_ENABLED_INSTRUMENTATIONS, else all. */
  enabledInstrumentations?: string[];
  /** Names from the built-in list to leave off. Default: OTEL_NODE_DISABLED_INSTRUMENTATIONS. */
  disabledInstrumentations?: string[];
  /** Constructor config per built-in instrumentation name, e.g. `{ openai: { captureMessageContent: false } }`. */
  instrumentationConfig?: Record<string, InstrumentationConfig & Record<string, unknown>>;
  /** Flush (and checkpoint the store) on beforeExit, SIGTERM and SIGINT. Default: LLM_PROVENANCE_EXIT_HOOKS, else true. */
  exitHooks?: boolean;
  /**
   * On shutdown the store is written, checkpointed and closed first, within this (else synchronously).
   * Default: LLM_PROVENANCE_SHUTDOWN_TIMEOUT_MS, else 500.
   */
  shutdownTimeoutMillis?: number;
  /**
   * All of shutdown: OTLP/console forwarding gets what the store leaves of it; spans not forwarded by
   * then are in the store only. Default: LLM_PROVENANCE_SHUTDOWN_BUDGET_MS, else 1000.
   */
  shutdownBudgetMillis?: number;
  /** Turn everything off. Default: OTEL_SDK_DISABLED. */
  disabled?: boolean;
  /**
   * Where this package reads its own settings from (the variables resolveConfig() reads, the OTLP exporter
   * choice, protocol, endpoint and compression among them). Default: `process.env`. The OTLP exporter's
   * headers, timeout and TLS settings, the NodeSDK (sampler, limits, propagators) and the store's tuning
   * variables always read `process.env`.
   */
  env?: Record<string, string | undefined>;
}
