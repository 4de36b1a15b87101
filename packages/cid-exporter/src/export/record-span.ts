/**
 * Maps a stored span record (FORMAT.md section 3.1) back to a span for viewers, with the `provenance.*`
 * attributes the exporter adds to the spans it forwards (FORMAT.md section 5.4) and, optionally, the payload
 * attributes read back from their raw blocks.
 */
import {
  ATTR_PROVENANCE_INPUT_CID,
  ATTR_PROVENANCE_LOG_ID,
  ATTR_PROVENANCE_LOG_SEQ,
  ATTR_PROVENANCE_OUTPUT_CID,
  ATTR_PROVENANCE_RECORD_CID,
} from '@llm-provenance/semantic-conventions';
import { encodeDagJsonString } from '../dag-json/index.js';
import { payloadLinks } from '../query/payload-links.js';
import type { SpanRecord } from '../record.js';
import type { SpanAttributeValue, SpanView } from './span-view.js';

const KINDS: Record<string, number> = { INTERNAL: 0, SERVER: 1, CLIENT: 2, PRODUCER: 3, CONSUMER: 4 };
const STATUS: Record<string, number> = { UNSET: 0, OK: 1, ERROR: 2 };

/** Block bytes by CID (undefined when absent or damaged). */
export type BlockLookup = (cid: string) => Uint8Array | undefined;

const isLink = (v: unknown): v is { '/': string } =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as { '/'?: unknown })['/'] === 'string';

/** The CID a link names, for raw blocks only (`bafkrei...`: codec 0x55, CIDv1 sha2-256). */
const isRawCid = (cid: string): boolean => cid.startsWith('bafkrei');

function primitive(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

const text = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/** An OTel attribute value for a stored (normalised) value: links become their CID, maps their DAG-JSON. */
function attributeValue(v: unknown): SpanAttributeValue | undefined {
  if (v === null) return undefined;
  if (primitive(v)) return v;
  if (isLink(v)) return v['/'];
  if (
    Array.isArray(v) &&
    v.every((x) => primitive(x)) &&
    (v.every((x) => typeof x === 'string') || v.every((x) => typeof x === 'number') || v.every((x) => typeof x === 'boolean'))
  ) {
    return v;
  }
  return encodeDagJsonString(v);
}

/**
 * Attributes from a stored map. With `block`, a link to a raw block (a payload attribute inside an
 * event, FORMAT.md 3.1) is replaced by the block's text; otherwise by the linked CID.
 */
function attributes(map: unknown, block?: BlockLookup): Record<string, SpanAttributeValue> {
  const out: Record<string, SpanAttributeValue> = {};
  if (map === null || typeof map !== 'object') return out;
  for (const [k, v] of Object.entries(map as Record<string, unknown>)) {
    const raw = block && isLink(v) && isRawCid(v['/']) ? block(v['/']) : undefined;
    if (raw) {
      out[k] = text(raw);
      continue;
    }
    const a = attributeValue(v);
    if (a !== undefined) out[k] = a;
  }
  return out;
}

/** Payload attributes of an input/output block, each read back from its raw block as UTF-8 text. */
function payloadAttributes(link: unknown, block: BlockLookup): Record<string, SpanAttributeValue> {
  const out: Record<string, SpanAttributeValue> = {};
  if (!isLink(link)) return out;
  for (const [name, cid] of Object.entries(payloadLinks({ block }, link['/']))) {
    const raw = block(cid);
    if (raw) out[name] = text(raw);
  }
  return out;
}

export interface RecordSpanOptions {
  /** When given, payload attributes (prompts, outputs) are restored from the blocks it returns. */
  block?: BlockLookup;
  /** The resource attributes the record's `resource` link names (FORMAT.md 3.1), already decoded. */
  resource?: Record<string, unknown>;
}

/** The span a record describes, with provenance attributes added. */
export function recordToSpanView(record: SpanRecord, recordCid: string, options: RecordSpanOptions = {}): SpanView {
  const attrs: Record<string, SpanAttributeValue> = {
    ...attributes(record.attributes),
    ...(options.block ? { ...payloadAttributes(record.input, options.block), ...payloadAttributes(record.output, options.block) } : {}),
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
    resource: attributes(options.resource ?? {}),
    scope: record.scope.version ? { name: record.scope.name, version: record.scope.version } : { name: record.scope.name },
    events: (record.events ?? []).map((e) => ({ name: e.name, timeUnixNano: BigInt(e.time), attributes: attributes(e.attributes, options.block) })),
    links: (record.links ?? []).map((l) => ({ traceId: l.traceId, spanId: l.spanId, attributes: attributes(l.attributes) })),
  };
}
