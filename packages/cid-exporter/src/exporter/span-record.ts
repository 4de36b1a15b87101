/**
 * Writes a finished span as its record (FORMAT.md section 3.1), straight to canonical DAG-JSON bytes in
 * the store's line buffer at the chain position the store gives, putting the blocks it links (resource,
 * payloads, input / params / output maps, section 5) into the store's pack as it goes, also as bytes
 * written in place. This is the one place the span record's layout is written down: keys in DAG-JSON
 * order, `log` / `prev` / `seq` from the store.
 */
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CODEC_DAG_JSON, CODEC_RAW, type CID } from '../cid.js';
import { encodeDagJsonString, quoteString } from '../dag-json/encode.js';
import { Normaliser, UnstorableValueError, wellFormed } from '../normalise.js';
import { FORMAT_VERSION, type DagMap, type DagValue } from '../record.js';
import type { ByteBatch } from '../store/byte-batch.js';
import type { RecordContext } from '../store/record-input.js';
import { AttributeWriter, ROLE_INPUT, ROLE_OUTPUT, type KeyPlan } from './attribute-text.js';
import { BlockMemo } from './block-memo.js';
import { ByteSegment } from './segment.js';
import { REPEATING_PAYLOADS, type PayloadDirection } from './payload-attributes.js';
import { resourcePart, scopeText } from './shared-parts.js';

/** Longest repeating payload (in UTF-16 units) remembered by its text. */
const MEMO_MAX_LENGTH = 1 << 14;
const KIND_NAMES = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];

// The fixed stretches of a span record, in key order, as bytes.
const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const OPEN = utf8('{"attributes":');
const NO_DROPPED_END = utf8(',"dropped":[],"end":"');
const DROPPED = utf8(',"dropped":');
const END = utf8(',"end":"');
const NO_EVENTS_INPUT = utf8('","events":[],"input":');
const EVENTS = utf8('","events":');
const INPUT = utf8(',"input":');
const PARAMS = utf8(',"params":');
const PARENT = utf8(',"parentSpanId":');
const PREV = utf8(',"prev":');
const SPAN_ID = utf8(',"spanId":"');
const START = utf8('","start":"');
const TAIL = utf8('","type":"span","v":' + FORMAT_VERSION + '}');
const NULL = utf8('null');

/** The record's stretches that usually repeat from span to span. */
class RecordSegments {
  readonly kindToOutput = new ByteSegment(
    (kind, links, log, name) => `,"kind":"${kind}","links":${links},"log":${quoteString(log)},"name":${quoteString(wellFormed(name))},"output":`,
  );
  readonly resourceScope = new ByteSegment((resource, scope) => `,"resource":${resource},"scope":${scope},"seq":`);
  /** `has`: 'y' when the status has a message (`message`), 'n' for null. */
  readonly statusFlags = new ByteSegment(
    (code, has, message, flags) =>
      `","status":{"code":"${code}","message":${has === 'y' ? quoteString(wellFormed(message)) : 'null'}},"traceFlags":${flags},"traceId":"`,
  );
}

/** The links of a written record (what the exporter forwards as `provenance.*` attributes). */
export interface SpanLinks {
  input: CID | null;
  params: CID | null;
  output: CID | null;
}

let lastSec = -1;
let lastSecText = '';

const exactTime = (sec: number, ns: number): boolean => Number.isSafeInteger(sec) && sec > 0 && Number.isSafeInteger(ns) && ns >= 0 && ns < 1e9;

/** Unix nanoseconds of an HrTime as a decimal string (exact: no float rounding). */
export function hrTimeToNsString(t: HrTime): string {
  const sec = t[0];
  const ns = t[1];
  // 1e9 + ns has exactly ten digits; its last nine are ns zero-padded.
  if (exactTime(sec, ns)) return '' + sec + ('' + (1_000_000_000 + ns)).slice(1);
  return (BigInt(Math.trunc(sec)) * 1_000_000_000n + BigInt(Math.trunc(ns))).toString();
}

/** Writes the digits of {@link hrTimeToNsString} without making the string. */
function writeNs(out: ByteBatch, t: HrTime): void {
  const sec = t[0];
  const ns = t[1];
  if (!exactTime(sec, ns)) {
    out.ascii(hrTimeToNsString(t));
    return;
  }
  // Spans end close together: the seconds' digits are usually those of the last call.
  if (sec !== lastSec) {
    lastSec = sec;
    lastSecText = '' + sec;
  }
  out.ascii(lastSecText);
  out.ensure(9);
  const buf = out.buf;
  let v = ns;
  for (let p = out.pos + 8; p >= out.pos; p--) {
    buf[p] = 48 + (v % 10);
    v = (v / 10) | 0;
  }
  out.pos += 9;
}

/** `{"/":"<cid>"}` or `null`; with `keep`, the CID keeps its string (see CID.writeString). */
function writeLink(out: ByteBatch, cid: CID | null, keep = false): void {
  if (cid === null) {
    out.bytes(NULL);
    return;
  }
  out.ensure(72);
  const buf = out.buf;
  let p = out.pos;
  buf[p++] = 123; // {"/":"
  buf[p++] = 34;
  buf[p++] = 47;
  buf[p++] = 34;
  buf[p++] = 58;
  buf[p++] = 34;
  p = cid.writeString(buf, p, keep);
  buf[p++] = 34; // "}
  buf[p++] = 125;
  out.pos = p;
}

/**
 * Writes an id's text between its quotes. Ids are hex, copied as they are (checked as they are copied);
 * anything else is escaped as a DAG-JSON string would be.
 */
function writeId(out: ByteBatch, name: string, id: unknown): void {
  if (typeof id !== 'string') throw new Error(`${name} is not a string (${typeof id})`);
  const n = id.length;
  out.ensure(n);
  const buf = out.buf;
  const start = out.pos;
  let p = start;
  for (let i = 0; i < n; i++) {
    const c = id.charCodeAt(i);
    // [0-9A-Za-z]
    if (c < 48 || c > 122 || (c > 57 && c < 65) || (c > 90 && c < 97)) {
      out.writeUtf8(quoteString(wellFormed(id)).slice(1, -1));
      return;
    }
    buf[p++] = c;
  }
  out.pos = p;
}

export class SpanRecordBuilder {
  private readonly attributes: AttributeWriter;
  // Bounded: at most 256 entries of at most 16K characters each (a few MB at worst).
  private readonly rawMemo = new BlockMemo(256, MEMO_MAX_LENGTH);
  /** Reused for every span (the builder writes one record at a time). */
  private readonly n = new Normaliser();
  private readonly segments = new RecordSegments();
  /**
   * The span's attribute keys in its own order, of the record written last: one array per key order (the
   * same array for every span of that order), so forwarding can reuse what it worked out for it.
   */
  keyOrder: readonly string[] | null = null;
  /**
   * Whether the record's input and output CIDs and its `prev` (the record before's CID) keep the string
   * written into the line: true when spans are forwarded, whose `provenance.*` attributes are those
   * strings (the record CID is the next record's `prev`).
   */
  keepLinkText = false;
  /** The payloads' raw block CIDs of the record being written, per plan entry (scratch). */
  private linked: (CID | null)[] = [];

  constructor(private readonly payloads: ReadonlyMap<string, PayloadDirection>) {
    this.attributes = new AttributeWriter(payloads);
  }

  isPayload = (key: string): boolean => this.payloads.has(key);

  /**
   * Writes the record of `span` at `ctx`'s chain position into `out`; its blocks go to `ctx`, its links
   * to `links`. Throws (an UnstorableValueError for values DAG-JSON cannot carry) with a message naming
   * the span; the caller takes back what was written.
   */
  write(span: ReadableSpan, ctx: RecordContext, out: ByteBatch, links: SpanLinks): void {
    try {
      this.writeRecord(span, ctx, out, links);
    } catch (err) {
      const ids = safeIds(span);
      const msg = `span ${JSON.stringify(safeName(span))} (trace ${ids.traceId}, span ${ids.spanId}) cannot be stored: ${(err as Error).message}`;
      throw err instanceof UnstorableValueError ? new UnstorableValueError(msg) : new Error(msg);
    }
  }

  private writeRecord(span: ReadableSpan, ctx: RecordContext, out: ByteBatch, links: SpanLinks): void {
    const sc = span.spanContext();
    const traceId = sc.traceId;
    const spanId = sc.spanId;
    if (typeof traceId !== 'string') throw new Error(`traceId is not a string (${typeof traceId})`);
    if (typeof spanId !== 'string') throw new Error(`spanId is not a string (${typeof spanId})`);
    const n = this.n;
    n.reset();
    const flags = sc.traceFlags ?? 0;
    const flagsText = Number.isSafeInteger(flags) ? '' + flags : encodeDagJsonString(n.value(flags, '', 'traceFlags') ?? null);

    const resource = resourcePart(span);
    ctx.put(resource.block);

    const attrs = (span.attributes ?? {}) as Record<string, unknown>;
    const plan = this.attributes.plan(attrs);
    this.keyOrder = plan.order;
    out.bytes(OPEN);
    const params = this.attributes.write(attrs, plan, n, out);

    // Payloads: a raw block each (in key order, which is also the order of their `dropped` paths), then
    // the input / output maps linking them under the attribute's name.
    let inputs = 0;
    let outputs = 0;
    if (plan.hasInput || plan.hasOutput) {
      const { keys, role } = plan;
      const linked = this.linked;
      for (let i = 0; i < keys.length; i++) {
        const r = role[i]!;
        if (r < ROLE_INPUT) continue;
        const value = attrs[keys[i]!];
        if (value === undefined) {
          linked[i] = null;
          continue;
        }
        linked[i] = this.rawBlock(ctx, value, keys[i]!);
        if (r === ROLE_INPUT) inputs++;
        else outputs++;
      }
    }
    links.input = inputs > 0 ? this.linkMap(ctx, plan, ROLE_INPUT) : null;
    links.params = params === null ? null : ctx.put(params);
    links.output = outputs > 0 ? this.linkMap(ctx, plan, ROLE_OUTPUT) : null;

    // Events and links are rare on GenAI spans: built as maps and encoded.
    const hasEvents = span.events !== undefined && span.events.length > 0;
    const eventsText = hasEvents ? encodeDagJsonString(this.events(span, ctx)) : '';
    const spanLinksText = span.links && span.links.length > 0 ? encodeDagJsonString(this.spanLinks(span)) : '[]';
    const dropped = resource.dropped.length > 0 ? n.dropped.concat(resource.dropped) : n.dropped;
    const status = span.status ?? { code: 0 };
    const seg = this.segments;
    // Keys in DAG-JSON order; stretches that usually repeat come from one-entry caches (see ByteSegment).
    if (dropped.length === 0) out.bytes(NO_DROPPED_END);
    else {
      out.bytes(DROPPED);
      out.writeUtf8(encodeDagJsonString(dropped));
      out.bytes(END);
    }
    writeNs(out, span.endTime);
    if (!hasEvents) out.bytes(NO_EVENTS_INPUT);
    else {
      out.bytes(EVENTS);
      out.writeUtf8(eventsText);
      out.bytes(INPUT);
    }
    writeLink(out, links.input, this.keepLinkText);
    out.bytes(seg.kindToOutput.get(KIND_NAMES[span.kind] ?? 'INTERNAL', spanLinksText, ctx.log, String(span.name)));
    writeLink(out, links.output, this.keepLinkText);
    out.bytes(PARAMS);
    writeLink(out, links.params);
    out.bytes(PARENT);
    const parent = span.parentSpanContext?.spanId;
    if (parent === undefined || parent === null) out.bytes(NULL);
    else {
      out.writeByte(34);
      writeId(out, 'parentSpanId', parent);
      out.writeByte(34);
    }
    out.bytes(PREV);
    writeLink(out, ctx.prev, this.keepLinkText);
    out.bytes(seg.resourceScope.get(resource.linkText, scopeText(span)));
    out.digits(ctx.seq);
    out.bytes(SPAN_ID);
    writeId(out, 'spanId', spanId);
    out.bytes(START);
    writeNs(out, span.startTime);
    out.bytes(
      typeof status.message === 'string'
        ? seg.statusFlags.get(STATUS_NAMES[status.code] ?? 'UNSET', 'y', status.message, flagsText)
        : seg.statusFlags.get(STATUS_NAMES[status.code] ?? 'UNSET', 'n', '', flagsText),
    );
    writeId(out, 'traceId', traceId);
    out.bytes(TAIL);
  }

  /** The input or output map of the span (FORMAT.md 5.2): the raw blocks of that direction linked under their names. */
  private linkMap(ctx: RecordContext, plan: KeyPlan, which: number): CID {
    const { keys, role, linkKeyBytes } = plan;
    const linked = this.linked;
    const out = ctx.beginBlock(CODEC_DAG_JSON);
    out.writeByte(123); // {
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      if (role[i] !== which) continue;
      const cid = linked[i]!;
      if (cid === null) continue;
      if (!first) out.writeByte(44);
      first = false;
      out.bytes(linkKeyBytes[i]!);
      out.ensure(66);
      out.pos = cid.writeString(out.buf, out.pos);
      out.buf[out.pos++] = 34; // "}
      out.buf[out.pos++] = 125;
    }
    out.writeByte(125); // }
    return ctx.endBlock();
  }

  /** Raw block of a payload value: a string's UTF-8 bytes, any other value's DAG-JSON encoding (FORMAT.md 5.2). */
  private rawBlock(ctx: RecordContext, value: unknown, key: string, parent = 'attributes'): CID {
    if (typeof value === 'string') {
      if (REPEATING_PAYLOADS.has(key) && value.length <= MEMO_MAX_LENGTH) return this.memoBlock(ctx, value);
      // UTF-8 encoding writes a lone surrogate as U+FFFD: the bytes of wellFormed(value), without the check.
      ctx.beginBlock(CODEC_RAW).writeUtf8(value);
      return ctx.endBlock();
    }
    const v = this.n.value(value, parent, key);
    return ctx.putText(CODEC_RAW, encodeDagJsonString(v === undefined ? null : v));
  }

  /** A payload whose text repeats (system prompt, tools): hashed the first time, then only looked up (and put once per pack). */
  private memoBlock(ctx: RecordContext, text: string): CID {
    const known = this.rawMemo.get(text);
    if (known !== undefined) return ctx.put(known);
    const bytes = Buffer.from(text, 'utf8');
    const cid = ctx.putText(CODEC_RAW, text);
    // Linked from every record that repeats it: its string form is made once.
    cid.toString();
    this.rawMemo.remember(text, { cid, bytes });
    return cid;
  }

  private events(span: ReadableSpan, ctx: RecordContext): DagValue[] {
    return span.events.map((ev, i) => {
      const path = `events.${i}.attributes`;
      const evAttrs = (ev.attributes ?? {}) as Record<string, unknown>;
      const map: DagMap = this.n.map(evAttrs, path, this.isPayload);
      for (const key of Object.keys(evAttrs).sort()) {
        const stored = wellFormed(key);
        if (!this.payloads.has(key) || evAttrs[key] === undefined || stored === '/' || stored === '__proto__') continue;
        map[stored] = this.rawBlock(ctx, evAttrs[key], key, path);
      }
      return { attributes: map, name: wellFormed(String(ev.name)), time: hrTimeToNsString(ev.time) };
    });
  }

  private spanLinks(span: ReadableSpan): DagValue[] {
    return span.links.map((l, i) => ({
      attributes: this.n.map((l.attributes ?? {}) as Record<string, unknown>, `links.${i}.attributes`),
      spanId: l.context.spanId,
      traceId: l.context.traceId,
    }));
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
