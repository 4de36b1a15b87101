/**
 * Maps a stored span record (FORMAT.md section 3.1) back to a span for viewers, with the exporter's
 * `provenance.*` attributes (DESIGN.md "Span contract") and, optionally, the payload attributes read
 * back from their raw blocks.
 */
import {
  ATTR_PROVENANCE_INPUT_CID,
  ATTR_PROVENANCE_LOG_ID,
  ATTR_PROVENANCE_LOG_SEQ,
  ATTR_PROVENANCE_OUTPUT_CID,
  ATTR_PROVENANCE_RECORD_CID,
} from '@llm-provenance/semantic-conventions';
import { CODEC_RAW } from '../cid.js';
import { decodeDagJson, encodeDagJsonString } from '../dag-json/index.js';
import type { SpanRecord } from '../record.js';
import type { KnownBlock } from '../verify/block-source.js';
import { isLink } from '../verify/links.js';
import type { SpanAttributeValue, SpanView } from './span-view.js';

const KINDS: Record<string, number> = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 };
const STATUS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

function primitive(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** An OTel attribute value for a stored (normalised) value: links become their CID, maps their DAG-JSON. */
function attributeValue(v: unknown): SpanAttributeValue | undefined {
  if (v === null) return undefined;
  if (primitive(v)) return v;
  if (isLink(v)) return v['/'];
  if (Array.isArray(v) && v.every((x) => primitive(x)) && (v.every((x) => typeof x === 'string') || v.every((x) => typeof x === 'number') || v.every((x) => typeof x === 'boolean'))) {
    return v as SpanAttributeValue;
  }
  return encodeDagJsonString(v);
}

/**
 * Attributes from a stored map. With `blocks`, a link to a raw block (a payload attribute inside an
 * event, FORMAT.md 3.1) is replaced by the block's text; otherwise by the linked CID.
 */
function attributes(map: unknown, blocks?: ReadonlyMap<string, KnownBlock>): Record<string, SpanAttributeValue> {
  const out: Record<string, SpanAttributeValue> = {};
  if (map === null || typeof map !== 'object') return out;
  for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
    const raw = blocks && isLink(v) ? blocks.get(v['/']) : undefined;
    if (raw && !raw.problem && raw.codec === CODEC_RAW) {
      out[k] = Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength).toString('utf8');
      continue;
    }
    const a = attributeValue(v);
    if (a !== undefined) out[k] = a;
  }
  return out;
}

/** Payload attributes of an input/output block, each read back from its raw block as UTF-8 text. */
function payloadAttributes(link: unknown, blocks: ReadonlyMap<string, KnownBlock>): Record<string, SpanAttributeValue> {
  const out: Record<string, SpanAttributeValue> = {};
  if (!isLink(link)) return out;
  const block = blocks.get(link['/']);
  if (!block || block.problem) return out;
  let map: unknown;
  try {
    map = decodeDagJson(block.data);
  } catch {
    return out;
  }
  for (const [name, l] of Object.entries((map ?? {}) as Record<string, unknown>)) {
    const raw = isLink(l) ? blocks.get(l['/']) : undefined;
    if (raw && !raw.problem) out[name] = Buffer.from(raw.data.buffer, raw.data.byteOffset, raw.data.byteLength).toString('utf8');
  }
  return out;
}

export interface RecordSpanOptions {
  /** The store's blocks: the resource block (format v2) is read from them, and the payloads unless `content` is false. */
  blocks?: ReadonlyMap<string, KnownBlock>;
  /** Restore payload attributes (prompts, outputs) from `blocks`. Default true. */
  content?: boolean;
}

/** Resource attributes: format v2 links a dag-json block holding them. */
function resourceAttributes(resource: unknown, blocks?: ReadonlyMap<string, KnownBlock>): Record<string, SpanAttributeValue> {
  if (!isLink(resource)) return attributes(resource);
  const block = blocks?.get(resource['/']);
  if (!block || block.problem) return {};
  try {
    return attributes(decodeDagJson(block.data));
  } catch {
    return {};
  }
}

/** The span a record describes, with provenance attributes added. */
export function recordToSpanView(record: SpanRecord, recordCid: string, options: RecordSpanOptions = {}): SpanView {
  const content = options.content !== false ? options.blocks : undefined;
  const attrs: Record<string, SpanAttributeValue> = {
    ...attributes(record.attributes),
    ...(content ? { ...payloadAttributes(record.input, content), ...payloadAttributes(record.output, content) } : {}),
    [ATTR_PROVENANCE_RECORD_CID]: recordCid,
    [ATTR_PROVENANCE_LOG_ID]: record.log,
    [ATTR_PROVENANCE_LOG_SEQ]: record.seq,
  };
  if (isLink(record.input)) attrs[ATTR_PROVENANCE_INPUT_CID] = record.input['/'];
  if (isLink(record.output)) attrs[ATTR_PROVENANCE_OUTPUT_CID] = record.output['/'];
  return {
    traceId: record.traceId,
    spanId: record.spanId,
    parentSpanId: record.parentSpanId ?? undefined,
    name: record.name,
    kind: KINDS[record.kind] ?? 0,
    startTimeUnixNano: BigInt(record.start),
    endTimeUnixNano: BigInt(record.end),
    status: record.status.message ? { code: STATUS[record.status.code] ?? 0, message: record.status.message } : { code: STATUS[record.status.code] ?? 0 },
    attributes: attrs,
    resource: resourceAttributes(record.resource, options.blocks),
    scope: record.scope.version ? { name: record.scope.name, version: record.scope.version } : { name: record.scope.name },
    events: (record.events ?? []).map((e) => ({ name: e.name, timeUnixNano: BigInt(e.time), attributes: attributes(e.attributes, content) })),
    links: (record.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: attributes(l.attributes) })),
  };
}
