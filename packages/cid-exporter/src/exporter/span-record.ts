/**
 * Turns a finished span into a record draft plus its payload blocks (FORMAT.md sections 3.1 and 5).
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { CID, dagJsonCid, rawCid } from '../cid.js';
import { encodeDagJson, encodeDagJsonString, internForEncoding } from '../dag-json/encode.js';
import { Normaliser, UnstorableValueError, wellFormed } from '../normalise.js';
import type { DagMap, SpanKindName, StatusCodeName } from '../record.js';
import type { BlockInput, RecordDraft } from '../store/store.js';
import { PARAMS_PREFIX, type PayloadDirection } from './payload-attributes.js';

const KIND_NAMES: SpanKindName[] = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES: StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];

export interface SpanDraft {
  draft: RecordDraft;
  input: CID | null;
  output: CID | null;
  params: CID | null;
}

/** Unix nanoseconds of an HrTime as a decimal string (exact: no float rounding). */
export function hrTimeToNsString(t: HrTime): string {
  const [sec, ns] = t;
  if (Number.isSafeInteger(sec) && sec > 0 && Number.isSafeInteger(ns) && ns >= 0 && ns < 1e9) {
    return String(sec) + String(ns).padStart(9, '0');
  }
  return (BigInt(Math.trunc(sec)) * 1_000_000_000n + BigInt(Math.trunc(ns))).toString();
}

/** Raw bytes of a payload value: strings as UTF-8, anything else as its DAG-JSON encoding. */
export function payloadBytes(value: unknown, n: Normaliser, parent: string, key: string): Buffer {
  if (typeof value === 'string') return Buffer.from(wellFormed(value), 'utf8');
  const v = n.value(value, parent, key);
  return encodeDagJson(v === undefined ? null : v);
}

/**
 * Small bounded memo of content-addressed blocks by their text. System instructions, tool definitions
 * and parameters repeat across calls; hashing them once per process instead of once per span is the
 * cheapest way to keep up with the sha2-256 bound.
 */
class BlockMemo {
  private readonly map = new Map<string, BlockInput>();
  constructor(
    private readonly limit: number,
    private readonly maxLength: number,
  ) {}

  get(text: string, make: () => BlockInput): BlockInput {
    if (text.length > this.maxLength) return make();
    let hit = this.map.get(text);
    if (hit === undefined) {
      hit = make();
      this.map.set(text, hit);
      if (this.map.size > this.limit) this.map.delete(this.map.keys().next().value!);
    }
    return hit;
  }
}

interface CachedMap {
  map: DagMap;
  dropped: string[];
}

/** Resources and scopes repeat for every span: normalise (and encode) each object once. */
const resourceCache = new WeakMap<object, CachedMap>();
const scopeCache = new WeakMap<object, DagMap>();

function resourceMap(span: ReadableSpan): CachedMap {
  const res = span.resource as unknown as object | undefined;
  const cached = res ? resourceCache.get(res) : undefined;
  if (cached) return cached;
  const n = new Normaliser();
  const map = internForEncoding(n.map((span.resource?.attributes ?? {}) as Record<string, unknown>, 'resource'));
  const entry = { map, dropped: n.dropped };
  // Only cache once async resource attributes have settled, or the cached copy would miss them.
  if (res && !(span.resource as { asyncAttributesPending?: boolean }).asyncAttributesPending) resourceCache.set(res, entry);
  return entry;
}

function scopeMap(span: ReadableSpan): DagMap {
  const scope = span.instrumentationScope as unknown as object | undefined;
  const cached = scope ? scopeCache.get(scope) : undefined;
  if (cached) return cached;
  const s = span.instrumentationScope;
  const map = internForEncoding({
    name: wellFormed(String(s?.name ?? '')),
    schemaUrl: typeof s?.schemaUrl === 'string' ? wellFormed(s.schemaUrl) : null,
    version: typeof s?.version === 'string' ? wellFormed(s.version) : null,
  });
  if (scope) scopeCache.set(scope, map);
  return map;
}

export class SpanRecordBuilder {
  private readonly encoder: ((value: unknown) => Uint8Array) | null;
  // Bounded: at most 256 entries of at most 16K characters each (a few MB at worst).
  private readonly rawMemo = new BlockMemo(256, 1 << 14);
  private readonly linkMemo = new BlockMemo(256, 1 << 14);

  /** `encoder`: DAG-JSON encoder for the input/params/output blocks (default: the canonical one). */
  constructor(
    private readonly payloads: Map<string, PayloadDirection>,
    encoder?: ((value: unknown) => Uint8Array) | null,
  ) {
    this.encoder = encoder ?? null;
  }

  isPayload = (key: string): boolean => this.payloads.has(key);

  /** Splits attributes into the record map and payload links; throws UnstorableValueError naming the span. */
  build(span: ReadableSpan): SpanDraft {
    try {
      return this.buildUnsafe(span);
    } catch (err) {
      const ctx = safeIds(span);
      const msg = `span ${JSON.stringify(safeName(span))} (trace ${ctx.traceId}, span ${ctx.spanId}) cannot be stored: ${(err as Error).message}`;
      throw err instanceof UnstorableValueError ? new UnstorableValueError(msg) : new Error(msg);
    }
  }

  private rawBlock(value: unknown, n: Normaliser, parent: string, key: string): BlockInput {
    const make = (): BlockInput => {
      const bytes = payloadBytes(value, n, parent, key);
      return { cid: rawCid(bytes), bytes };
    };
    return typeof value === 'string' ? this.rawMemo.get(value, make) : make();
  }

  /** `memo`: worth remembering (params repeat; input/output link maps hold fresh CIDs almost always). */
  private linkBlock(map: DagMap, memo: boolean): BlockInput {
    if (this.encoder) {
      const bytes = this.encoder(map);
      return { cid: dagJsonCid(bytes), bytes };
    }
    const text = encodeDagJsonString(map);
    const make = (): BlockInput => {
      const bytes = Buffer.from(text, 'utf8');
      return { cid: dagJsonCid(bytes), bytes };
    };
    // Keyed by the canonical text, which identifies the block exactly.
    return memo ? this.linkMemo.get(text, make) : make();
  }

  private buildUnsafe(span: ReadableSpan): SpanDraft {
    const n = new Normaliser();
    const blocks: BlockInput[] = [];
    const attrs = (span.attributes ?? {}) as Attributes;
    const attributes = n.map(attrs as Record<string, unknown>, 'attributes', this.isPayload);

    let input: DagMap | null = null;
    let output: DagMap | null = null;
    let params: DagMap | null = null;
    for (const key of Object.keys(attrs)) {
      const dir = this.payloads.get(key);
      if (dir !== undefined) {
        const value = attrs[key];
        if (value === undefined) continue;
        const block = this.rawBlock(value, n, 'attributes', key);
        blocks.push(block);
        if (dir === 'input') (input ??= {})[wellFormed(key)] = block.cid;
        else (output ??= {})[wellFormed(key)] = block.cid;
      } else if (key.startsWith(PARAMS_PREFIX)) {
        const v = attributes[wellFormed(key)];
        if (v !== undefined) (params ??= {})[wellFormed(key)] = v;
      }
    }
    const link = (map: DagMap | null, memo: boolean): CID | null => {
      if (map === null) return null;
      const block = this.linkBlock(map, memo);
      blocks.push(block);
      return block.cid;
    };
    const inputCid = link(input, false);
    const paramsCid = link(params, true);
    const outputCid = link(output, false);

    const events = (span.events ?? []).map((ev, i) => {
      const path = `events.${i}.attributes`;
      const evAttrs = (ev.attributes ?? {}) as Record<string, unknown>;
      const map = n.map(evAttrs, path, this.isPayload);
      for (const key of Object.keys(evAttrs)) {
        if (!this.payloads.has(key) || evAttrs[key] === undefined) continue;
        const block = this.rawBlock(evAttrs[key], n, path, key);
        blocks.push(block);
        map[wellFormed(key)] = block.cid;
      }
      return { attributes: map, name: wellFormed(String(ev.name)), time: hrTimeToNsString(ev.time) };
    });
    const links = (span.links ?? []).map((l, i) => ({
      attributes: n.map((l.attributes ?? {}) as Record<string, unknown>, `links.${i}.attributes`),
      spanId: l.context.spanId,
      traceId: l.context.traceId,
    }));

    const ctx = span.spanContext();
    const res = resourceMap(span);
    const status = span.status ?? { code: 0 };
    // Keys in canonical (sorted) order, with the store's keys (log, prev, seq, v) as placeholders in
    // their places, so the encoder never has to sort this map.
    const fields: DagMap = {
      attributes,
      dropped: res.dropped.length > 0 ? [...n.dropped, ...res.dropped] : n.dropped,
      end: hrTimeToNsString(span.endTime),
      events,
      input: inputCid,
      kind: KIND_NAMES[span.kind] ?? 'INTERNAL',
      links,
      log: '',
      name: wellFormed(String(span.name)),
      output: outputCid,
      params: paramsCid,
      parentSpanId: span.parentSpanContext?.spanId ?? null,
      prev: null,
      resource: res.map,
      scope: scopeMap(span),
      seq: 0,
      spanId: ctx.spanId,
      start: hrTimeToNsString(span.startTime),
      status: { code: STATUS_NAMES[status.code] ?? 'UNSET', message: typeof status.message === 'string' ? wellFormed(status.message) : null },
      traceFlags: ctx.traceFlags ?? 0,
      traceId: ctx.traceId,
      type: 'span',
      v: 1,
    };
    return { draft: { fields, blocks }, input: inputCid, output: outputCid, params: paramsCid };
  }
}

function safeName(span: ReadableSpan): string {
  try {
    return String(span.name);
  } catch {
    return '<unreadable>';
  }
}

function safeIds(span: ReadableSpan): { traceId: string; spanId: string } {
  try {
    const c = span.spanContext();
    return { traceId: c.traceId, spanId: c.spanId };
  } catch {
    return { traceId: '?', spanId: '?' };
  }
}
