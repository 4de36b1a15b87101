/** The e2e harness: run an unmodified app under the register hook and inspect what it produced. */
export { runApp, PLANTED_API_KEY, REGISTER, TEST_ROOT, type AppRun, type RunAppOptions } from './run-app.js';
export { testTempDir } from '@llm-provenance/test-support';
export { startOtlpReceiver, type OtlpReceiver, type OtlpTransport, type ReceivedExport } from './otlp-receiver.js';
export { startOtlpGrpcReceiver, TRACE_EXPORT_PATH, type OtlpGrpcReceiver } from './otlp-grpc-receiver.js';
export { startGrpcWireTap, type GrpcWireTap, type WireMessage } from './grpc-wire-tap.js';
export { decodeTraceExport, type AttributeValue, type OtlpProtocol, type OtlpSpan, type SpanKindName } from './otlp-decode.js';
export { readStore, allStoreBytes, cidOf, DAG_JSON, RAW, type StoreContents, type StoredLog } from './store-reader.js';
export { emulatorPort, emulatorServerAttributes, expectProcessResource, plantedKeyCallAttributes, provenanceOf, UUID_PATTERN } from './assertions.js';
export { appReports, expectSpanAttributes, tourMatrix, tourScenarios } from './tour.js';
export { outputMessages, priceTableCost, textParts, userMessages } from './genai-content.js';
