/**
 * Turns a finished span into a record draft plus its payload blocks (FORMAT.md sections 3.1 and 5).
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CID, dagJsonCid, rawCid } from '../cid.js';
import { encodeDagJson, encodeDagJsonString, encodeNumber, internForEncoding, quoteString } from '../dag-json/encode.js';
import { Normaliser, UnstorableValueError, wellFormed } from '../normalise.js';
import type { DagMap, DagValue, SpanKindName, StatusCodeName } from '../record.js';
import type { BlockInput, RecordDraft } from '../store/store.js';
import type { PreEncodedDraft } from '../store/record-text.js';
import { PARAMS_PREFIX, REPEATING_PAYLOADS, type PayloadDirection } from './payload-attributes.js';

const KIND_NAMES: SpanKindName[] = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES: StatusCodeName[] = ['UNSET', 'OK', 'ERROR'];

export interface SpanDraft {
  /** Record fields for the generic encoder, or (default encoder) the record already as canonical text. */
  draft: RecordDraft | PreEncodedDraft;
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
  /** DAG-JSON text of `map`, made on first use. */
  text?: string;
}

/** Resources and scopes repeat for every span: normalise (and encode) each object once. */
const resourceCache = new WeakMap<object, CachedMap>();
/** Attribute keys known to be usable as they are, with their quoted form (see quotedKey). */
const goodKeys = new Map<string, string>();
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

const ROLE_PLAIN = 0;
const ROLE_PARAM = 1;
const ROLE_PAYLOAD = 2;

/** How the text builder handles one attribute key list (see SpanRecordBuilder.keyPlan). */
interface KeyPlan {
  /** The keys in the span's own order (the cache key). */
  order: string[];
  sorted: string[];
  quoted: string[];
  /** ROLE_* per sorted key. */
  role: Uint8Array;
}

export class SpanRecordBuilder {
  private readonly plans: KeyPlan[] = [];
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
      return (this.encoder === null ? this.buildText(span) : null) ?? this.buildFields(span);
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
    return typeof value === 'string' && REPEATING_PAYLOADS.has(key) ? this.rawMemo.get(value, make) : make();
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

  /**
   * Quoted form of an attribute key the text builder may use as it is: well-formed UTF-16 and not one
   * the normaliser drops; null otherwise (the span then takes the generic path). Cached: keys repeat.
   */
  private static quotedKey(key: string): string | null {
    let q = goodKeys.get(key);
    if (q === undefined) {
      if (wellFormed(key) !== key || key === '/' || key === '__proto__') return null;
      q = quoteString(key);
      if (goodKeys.size < 4096) goodKeys.set(key, q);
    }
    return q;
  }

  /**
   * DAG-JSON text of one normalised attribute value, or undefined when normalisation drops it. Plain
   * strings and safe integers are written here; everything else goes through the Normaliser and the
   * generic encoder, so the text is the same as the generic path's by construction.
   */
  private static valueText(v: unknown, n: Normaliser, parent: string, key: string): string | undefined {
    if (typeof v === 'string') return quoteString(wellFormed(v));
    if (typeof v === 'number' && Number.isSafeInteger(v)) return v === 0 ? '0' : '' + v;
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    const x = n.value(v, parent, key);
    return x === undefined ? undefined : encodeDagJsonString(x);
  }

  /**
   * Sorted keys, their quoted forms and roles for an attribute key list, or null when a key needs
   * normalising (the span then takes the generic path). Spans of one instrumentation set the same keys
   * in the same order, so the last few plans are kept and matched key by key instead of sorting again.
   */
  private keyPlan(order: string[]): KeyPlan | null {
    const plans = this.plans;
    outer: for (let p = 0; p < plans.length; p++) {
      const plan = plans[p]!;
      const known = plan.order;
      if (known.length !== order.length) continue;
      for (let i = 0; i < order.length; i++) if (known[i] !== order[i]) continue outer;
      return plan;
    }
    let sorted = order;
    for (let i = 1; i < order.length; i++) {
      if (order[i - 1]! >= order[i]!) {
        sorted = order.slice().sort();
        break;
      }
    }
    const quoted: string[] = new Array(sorted.length);
    const role = new Uint8Array(sorted.length);
    for (let i = 0; i < sorted.length; i++) {
      const key = sorted[i]!;
      const q = SpanRecordBuilder.quotedKey(key);
      if (q === null) return null;
      quoted[i] = q;
      role[i] = this.payloads.has(key) ? ROLE_PAYLOAD : key.startsWith(PARAMS_PREFIX) ? ROLE_PARAM : ROLE_PLAIN;
    }
    const plan: KeyPlan = { order: order.slice(), sorted, quoted, role };
    if (plans.length >= 8) plans.pop();
    plans.unshift(plan);
    return plan;
  }

  /**
   * The record as canonical text (store keys left as holes), built straight from the span without the
   * intermediate record object. Returns null for the rare spans it leaves to the generic path (keys
   * that need normalising, ids that are not strings); for everything else the bytes, blocks, block
   * order and `dropped` order are exactly those of {@link buildFields}.
   */
  private buildText(span: ReadableSpan): SpanDraft | null {
    const ctx = span.spanContext();
    const traceId = ctx.traceId;
    const spanId = ctx.spanId;
    const traceFlags = ctx.traceFlags ?? 0;
    const parentSpanId = span.parentSpanContext?.spanId ?? null;
    if (typeof traceId !== 'string' || typeof spanId !== 'string' || !Number.isSafeInteger(traceFlags)) return null;
    if (parentSpanId !== null && typeof parentSpanId !== 'string') return null;

    const attrs = (span.attributes ?? {}) as Record<string, unknown>;
    const order = Object.keys(attrs);
    const plan = this.keyPlan(order);
    if (plan === null) return null;
    const { sorted, quoted, role } = plan;

    const n = new Normaliser();
    // 1. The attributes map (payloads left out) and the params map, both in sorted key order. Pieces
    // are collected and joined once: one flat string instead of a rope of concatenations.
    const out: string[] = ['{"attributes":{'];
    const params: string[] = [];
    let first = true;
    for (let i = 0; i < sorted.length; i++) {
      const r = role[i]!;
      if (r === ROLE_PAYLOAD) continue;
      const key = sorted[i]!;
      const t = SpanRecordBuilder.valueText(attrs[key], n, 'attributes', key);
      if (t === undefined) {
        n.dropped.push(`attributes.${key}`);
        continue;
      }
      if (!first) out.push(',');
      first = false;
      out.push(quoted[i]!, ':', t);
      if (r === ROLE_PARAM) {
        if (params.length > 0) params.push(',');
        params.push(quoted[i]!, ':', t);
      }
    }
    out.push('}');
    const paramsText = params.join('');

    // 2. Raw payload blocks, in attribute order (the pack order of the generic path).
    const blocks: BlockInput[] = [];
    const payloadCids = new Map<string, CID>();
    for (const key of order) {
      if (!this.payloads.has(key)) continue;
      const value = attrs[key];
      if (value === undefined) continue;
      const block = this.rawBlock(value, n, 'attributes', key);
      blocks.push(block);
      payloadCids.set(key, block.cid);
    }

    // 3. Input / output link maps in sorted key order; then the link blocks: input, params, output.
    let inputText = '';
    let outputText = '';
    if (payloadCids.size > 0) {
      for (let i = 0; i < sorted.length; i++) {
        if (role[i] !== ROLE_PAYLOAD) continue;
        const cid = payloadCids.get(sorted[i]!);
        if (cid === undefined) continue;
        const entry = quoted[i]! + ':{"/":"' + cid.toString() + '"}';
        if (this.payloads.get(sorted[i]!) === 'input') inputText += inputText.length === 0 ? entry : ',' + entry;
        else outputText += outputText.length === 0 ? entry : ',' + entry;
      }
    }
    const link = (text: string, memo: boolean): CID | null => {
      if (text.length === 0) return null;
      const block = this.linkBlockFromText('{' + text + '}', memo);
      blocks.push(block);
      return block.cid;
    };
    const inputCid = link(inputText, false);
    const paramsCid = link(paramsText, true);
    const outputCid = link(outputText, false);

    // 4. Events and links (rare on GenAI spans): the generic code, encoded generically.
    const eventsText = span.events && span.events.length > 0 ? encodeDagJsonString(this.events(span, n, blocks)) : '[]';
    const linksText = span.links && span.links.length > 0 ? encodeDagJsonString(this.links(span, n)) : '[]';

    const res = resourceMap(span);
    res.text ??= encodeDagJsonString(res.map);
    const dropped = res.dropped.length > 0 ? [...n.dropped, ...res.dropped] : n.dropped;
    const status = span.status ?? { code: 0 };
    const linkText = (cid: CID | null): string => (cid === null ? 'null' : '{"/":"' + cid.toString() + '"}');
    out.push(
      ',"dropped":',
      dropped.length === 0 ? '[]' : encodeDagJsonString(dropped),
      ',"end":"',
      hrTimeToNsString(span.endTime),
      '","events":',
      eventsText,
      ',"input":',
      linkText(inputCid),
      ',"kind":"',
      KIND_NAMES[span.kind] ?? 'INTERNAL',
      '","links":',
      linksText,
      ',',
    );
    const beforeLog = out.join('');
    const text = {
      beforeLog,
      beforePrev: [
        '"name":',
        quoteString(wellFormed(String(span.name))),
        ',"output":',
        linkText(outputCid),
        ',"params":',
        linkText(paramsCid),
        ',"parentSpanId":',
        parentSpanId === null ? 'null' : quoteString(parentSpanId),
        ',',
      ].join(''),
      beforeSeq: '"resource":' + res.text + ',"scope":' + encodeDagJsonString(scopeMap(span)) + ',',
      afterSeq: [
        '"spanId":',
        quoteString(spanId),
        ',"start":"',
        hrTimeToNsString(span.startTime),
        '","status":{"code":"',
        STATUS_NAMES[status.code] ?? 'UNSET',
        '","message":',
        typeof status.message === 'string' ? quoteString(wellFormed(status.message)) : 'null',
        '},"traceFlags":',
        encodeNumber(traceFlags),
        ',"traceId":',
        quoteString(traceId),
        ',"type":"span","v":1}',
      ].join(''),
    };
    return { draft: { text, blocks }, input: inputCid, output: outputCid, params: paramsCid };
  }

  private linkBlockFromText(text: string, memo: boolean): BlockInput {
    const make = (): BlockInput => {
      const bytes = Buffer.from(text, 'utf8');
      return { cid: dagJsonCid(bytes), bytes };
    };
    return memo ? this.linkMemo.get(text, make) : make();
  }

  private events(span: ReadableSpan, n: Normaliser, blocks: BlockInput[]): DagValue[] {
    return (span.events ?? []).map((ev, i) => {
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
  }

  private links(span: ReadableSpan, n: Normaliser): DagValue[] {
    return (span.links ?? []).map((l, i) => ({
      attributes: n.map((l.attributes ?? {}) as Record<string, unknown>, `links.${i}.attributes`),
      spanId: l.context.spanId,
      traceId: l.context.traceId,
    }));
  }

  /** The record as a field map for the generic encoder (a custom encoder, or spans buildText leaves). */
  private buildFields(span: ReadableSpan): SpanDraft {
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

    const events = this.events(span, n, blocks);
    const links = this.links(span, n);

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
