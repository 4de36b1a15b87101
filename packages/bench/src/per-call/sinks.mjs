// The downstream every configuration exports to: each batch is serialised with the official OTLP protobuf
// serializer (what an OTLP/HTTP exporter sends) and the bytes are discarded, so every configuration pays
// the same realistic export cost and nothing leaves the process. The sinks also count what they were
// given, which is how the bench proves that no configuration dropped a span or recorded no content.
// Exporter interfaces: https://open-telemetry.github.io/opentelemetry-js/interfaces/_opentelemetry_sdk-trace.SpanExporter.html
import { ExportResultCode } from '@opentelemetry/core';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

/** Counts spans as they end, before any processor can drop them (first in the provider's list). */
export class EndedSpanCounter {
  ended = 0;
  onStart() {}
  onEnd() {
    this.ended++;
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

/** Counts log records as they are emitted, before the batch processor can drop them. */
export class EmittedLogCounter {
  emitted = 0;
  onEmit() {
    this.emitted++;
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

/**
 * SpanExporter: OTLP protobuf serialisation, bytes discarded. `hasContent(span)` says whether a span
 * carries the call's prompt and answer the way its instrumentation records them.
 */
export class OtlpSpanSink {
  exported = 0;
  withContent = 0;
  bytes = 0;
  constructor(hasContent) {
    this.hasContent = hasContent;
  }
  export(spans, resultCallback) {
    const bytes = ProtobufTraceSerializer.serializeRequest(spans);
    if (!bytes) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('OTLP serialisation failed') });
      return;
    }
    this.bytes += bytes.length;
    this.exported += spans.length;
    for (const span of spans) if (this.hasContent(span)) this.withContent++;
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

/**
 * LogRecordExporter: the same for log records (where @opentelemetry/instrumentation-openai puts content).
 * `kindOf(record)` names the content a record carries ('input', 'output' or undefined).
 */
export class OtlpLogSink {
  exported = 0;
  withInput = 0;
  withOutput = 0;
  bytes = 0;
  constructor(kindOf) {
    this.kindOf = kindOf;
  }
  export(records, resultCallback) {
    const bytes = ProtobufLogsSerializer.serializeRequest(records);
    if (!bytes) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('OTLP serialisation failed') });
      return;
    }
    this.bytes += bytes.length;
    this.exported += records.length;
    for (const record of records) {
      const kind = this.kindOf(record);
      if (kind === 'input') this.withInput++;
      else if (kind === 'output') this.withOutput++;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}
