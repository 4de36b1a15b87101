/**
 * Viewer exports of a store: OTLP JSON Lines (what the Collector's file exporter writes; replayable
 * with the Collector's otlpjsonfile receiver) and Jaeger UI's JSON upload format. Each span carries
 * provenance.record.cid, provenance.input.cid, provenance.output.cid, provenance.log.id, provenance.log.seq.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fsyncDir, tempName } from '../fs-util.js';
import type { SpanRecord } from '../record.js';
import { readStoreRecords } from '../query/read-records.js';
import { loadPacks } from '../verify/block-source.js';
import { toJaegerDocument } from './jaeger-json.js';
import { toExportTraceServiceRequest } from './otlp-json.js';
import { recordToSpanView } from './record-span.js';
import type { SpanView } from './span-view.js';

export interface ViewerExportOptions {
  /** Restore prompts and outputs from their payload blocks (default true). */
  content?: boolean;
  /** OTLP JSON Lines: spans per line (default 512). */
  spansPerLine?: number;
}

export interface ViewerExportSummary {
  file: string;
  spans: number;
  /** OTLP: lines written; Jaeger: traces written. */
  units: number;
}

/** Span views of every span record in the store, logs in id order, records in seq order. */
export function storeSpanViews(storeDir: string, options: ViewerExportOptions = {}): SpanView[] {
  const { records } = readStoreRecords(storeDir);
  const blocks = loadPacks(storeDir).blocks;
  return records.filter((r) => r.record.type === 'span').map((r) => recordToSpanView(r.record as SpanRecord, r.cid, { blocks, content: options.content !== false }));
}

function writeAtomically(file: string, chunks: Iterable<string>): void {
  const tmp = tempName(dirname(file), basename(file));
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    try {
      for (const c of chunks) {
        const b = Buffer.from(c, 'utf8');
        let off = 0;
        while (off < b.length) off += writeSync(fd, b, off, b.length - off);
      }
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncDir(dirname(file));
}

/** Writes one ExportTraceServiceRequest JSON object per line. */
export function exportOtlpJsonLines(storeDir: string, file: string, options: ViewerExportOptions = {}): ViewerExportSummary {
  const spans = storeSpanViews(storeDir, options);
  const per = options.spansPerLine ?? 512;
  if (!Number.isSafeInteger(per) || per < 1) throw new Error(`spansPerLine: ${per} is not a positive integer`);
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += per) lines.push(JSON.stringify(toExportTraceServiceRequest(spans.slice(i, i + per))) + '\n');
  writeAtomically(file, lines);
  return { file, spans: spans.length, units: lines.length };
}

/** Writes the `{ "data": [trace...] }` document Jaeger UI opens with "Upload JSON". */
export function exportJaegerJson(storeDir: string, file: string, options: ViewerExportOptions = {}): ViewerExportSummary {
  const spans = storeSpanViews(storeDir, options);
  const doc = toJaegerDocument(spans);
  writeAtomically(file, [JSON.stringify(doc) + '\n']);
  return { file, spans: spans.length, units: doc.data.length };
}
