export * from './cid.js';
export * from './dag-json/index.js';
export * from './merkle.js';
export * from './record.js';
export * from './pack.js';
export * from './normalise.js';
export { ProvenanceStore } from './store/store.js';
export { newLogId } from './store/open-log.js';
export type { AppendResult, AppendedRecord, BlockInput, RecordContext, RecordDraft, RecordInput, RecordWriter } from './store/record-input.js';
export { ByteBatch } from './store/byte-batch.js';
export { BlockSet } from './store/block-set.js';
export { resolveStoreOptions, type Durability, type ProvenanceStoreOptions, type ResolvedStoreOptions } from './store/options.js';
export { scanLog, type LogLine, type LogScan } from './store/log-scan.js';
export { readLock, lockHolderAlive, type LockInfo } from './store/lock.js';
export { recoverAbandonedLogs, type RecoveryReport } from './store/recovery.js';
export { loadOrCreateKey, keyFingerprint, publicKeyFromRaw, rawPublicKey, type StoreKey } from './checkpoint/key.js';
export {
  buildStatement,
  signStatement,
  encodeCheckpoint,
  writeCheckpoint,
  verifyCheckpointBytes,
  readCheckpointFile,
  type CheckpointCheck,
} from './checkpoint/checkpoint.js';
export { CidSpanExporter, type BatchExport, type CidSpanExporterOptions, type SpanOutcome, type StoredBatch } from './exporter/exporter.js';
export { ForwardedSpan } from './exporter/forwarded-span.js';
export { payloadTable, PARAMS_PREFIX, type PayloadDirection } from './exporter/payload-attributes.js';
export { SpanRecordBuilder, hrTimeToNsString, type SpanLinks } from './exporter/span-record.js';
export { droppedRecord } from './exporter/dropped-record.js';
// verify / query / export / CLI (src/verify, src/query, src/export, src/cli), and what they read with (src/car, src/read)
export { verifyStore } from './verify/verify-store.js';
export { verifyCar } from './verify/verify-car.js';
export { formatFailure, type FailureKind, type VerifyFailure, type VerifyNote } from './verify/failure.js';
export type { VerifyReport, VerifyOptions, VerifiedLog } from './verify/report.js';
export { DagJsonScan, canonicalProblem, isCanonicalDagJsonBytes } from './dag-json/validate.js';
export {
  queryStore,
  query,
  formatQueryResult,
  formatDropSummary,
  type QueryFilter,
  type QueryResult,
  type QueryOutcome,
  type DropSummary,
} from './query/query.js';
export { readStoreRecords, type StoredRecord, type StoreRecords } from './query/read-records.js';
export { openSource, type ProvenanceSource, type RecordPlace } from './read/source.js';
export { DigestIndex, type DigestIndexOptions } from './read/digest-index.js';
export { exportCar, type CarExportSummary, type CarExportOptions } from './export/export-car.js';
export { exportOtlpJsonLines, exportJaegerJson, storeSpanViews, type ViewerExportOptions, type ViewerExportSummary } from './export/export-viewers.js';
export { recordToSpanView, type RecordSpanOptions, type BlockLookup } from './export/record-span.js';
export { toExportTraceServiceRequest } from './export/otlp-json.js';
export { toJaegerDocument } from './export/jaeger-json.js';
export type { SpanView, SpanAttributeValue } from './export/span-view.js';
export { encodeCarHeader, decodeCarHeader, type CarHeader } from './car/car-header.js';
export { CarFileWriter, type CarFileWriterOptions } from './car/car-writer.js';
export { openCar, openPack, SectionReader, type OpenedCar, type CarStructureError } from './car/car-reader.js';
export { MANIFEST_TYPE, type Manifest, type ManifestLog } from './car/manifest.js';
export { main as runCli } from './cli/main.js';
export { CidSpanProcessor, type CidSpanProcessorOptions } from './exporter/span-processor.js';
export { buildReport, formatReportTable, type Report, type ReportGroup, type ReportFigures, type ReportOptions } from './report/report.js';
export {
  buildConsistency,
  formatConsistency,
  type ConsistencyReport,
  type ConsistencyGroup,
  type ConsistencyOutput,
  type ConsistencyOptions,
} from './report/consistency.js';
export { buildLineage, formatLineage, type Lineage, type LineageRecord, type UpstreamNode, type DownstreamNode } from './report/lineage.js';
export { DIMENSIONS, type Dimension, type CallFilter } from './report/calls.js';
export { isModelCallAttributes } from '@llm-provenance/semantic-conventions';
export { Quantiles, EXACT_LIMIT, RELATIVE_ACCURACY } from './report/quantiles.js';
export { publishStore, type PublishOptions, type PublishSummary } from './publish/publish.js';
export { fetchExport, verifyFromIpfs, type FetchOptions, type FetchSummary } from './publish/fetch.js';
export type { BlockId, BlockNode } from './publish/block-node.js';
export { HeliaNode, UnsupportedRuntimeError, type HeliaNodeOptions } from './publish/helia-node.js';
export { KuboNode, defaultKuboApi } from './publish/kubo-node.js';
export { openNode, defaultHeliaBlockstore, type NodeSpec } from './publish/open-node.js';
export { heliaUnsupported } from './publish/runtime.js';
export type { ContinuousPublishOptions } from './publish/continuous.js';
