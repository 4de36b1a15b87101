/**
 * Viewer exports of a store directory or CAR export: OTLP JSON Lines (what the Collector's file exporter writes; replayable
 * with the Collector's otlpjsonfile receiver) and Jaeger UI's JSON upload format. Each span carries
 * provenance.record.cid, provenance.input.cid, provenance.output.cid, provenance.log.id, provenance.log.seq.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fsyncDir, tempName } from '../fs-util.js';
import { forEachRecord, ResourceReader } from '../query/read-records.js';
import { openSource } from '../read/source.js';
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

/** Span views of every span record in a store directory or CAR export, logs in order, records in seq order. */
export function storeSpanViews(path: string, options: ViewerExportOptions = {}): SpanView[] {
  const source = openSource(path);
  const views: SpanView[] = [];
  try {
    const resources = new ResourceReader(source);
    const block = options.content === false ? undefined : (cid: string): Uint8Array | undefined => source.block(cid);
    forEachRecord(source, (r) => {
      if (r.record.type !== 'span') return true;
      const record = r.record;
      views.push(recordToSpanView(record, r.cid, { block, resource: resources.attributes((record as unknown as { resource: unknown }).resource) }));
      return true;
    });
  } finally {
    source.close();
  }
  return views;
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

/** Writes one OTLP/JSON `TracesData` object per line (the file exporter format). */
export function exportOtlpJsonLines(path: string, file: string, options: ViewerExportOptions = {}): ViewerExportSummary {
  const spans = storeSpanViews(path, options);
  const per = options.spansPerLine ?? 512;
  if (!Number.isSafeInteger(per) || per < 1) throw new Error(`spansPerLine: ${per} is not a positive integer`);
  const lines: string[] = [];
  for (let i = 0; i < spans.length; i += per) lines.push(JSON.stringify(toExportTraceServiceRequest(spans.slice(i, i + per))) + '\n');
  writeAtomically(file, lines);
  return { file, spans: spans.length, units: lines.length };
}

/** Writes the `{ "data": [trace...] }` document Jaeger UI opens with "Upload JSON". */
export function exportJaegerJson(path: string, file: string, options: ViewerExportOptions = {}): ViewerExportSummary {
  const spans = storeSpanViews(path, options);
  const doc = toJaegerDocument(spans);
  writeAtomically(file, [JSON.stringify(doc) + '\n']);
  return { file, spans: spans.length, units: doc.data.length };
}
