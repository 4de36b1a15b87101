/**
 * Writes a finished span as its record (FORMAT.md section 3.1), straight to canonical DAG-JSON text at
 * the chain position the store gives, putting the blocks it links (resource, payloads, input / params /
 * output maps, section 5) into the store's pack as it goes. This is the one place the span record's
 * layout is written down: keys in DAG-JSON order, `log` / `prev` / `seq` from the store.
 */
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { CODEC_DAG_JSON, CODEC_RAW, type CID } from '../cid.js';
import { encodeDagJsonString, quoteString } from '../dag-json/encode.js';
import { Normaliser, UnstorableValueError, wellFormed } from '../normalise.js';
import { FORMAT_VERSION, type DagMap, type DagValue } from '../record.js';
import type { BlockInput, RecordContext } from '../store/record-input.js';
import { AttributeWriter, ROLE_INPUT, ROLE_OUTPUT, type AttributeText } from './attribute-text.js';
import { BlockMemo } from './block-memo.js';
import { Segment } from './segment.js';
import { REPEATING_PAYLOADS, type PayloadDirection } from './payload-attributes.js';
import { resourcePart, scopeText } from './shared-parts.js';

const KIND_NAMES = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'];
const TAIL = '","type":"span","v":' + FORMAT_VERSION + '}';

/** The record's stretches that usually repeat from span to span. */
class RecordSegments {
  readonly kindToOutput = new Segment((kind, links, log, name) => `,"kind":"${kind}","links":${links},"log":${log},"name":${quoteString(wellFormed(name))},"output":`);
  readonly params = new Segment((cid) => `,"params":${cid === 'null' ? 'null' : `{"/":"${cid}"}`},"parentSpanId":`);
  readonly resourceScope = new Segment((resource, scope) => `,"resource":${resource},"scope":${scope},"seq":`);
  /** `has`: 'y' when the status has a message (`message`), 'n' for null. */
  readonly statusFlags = new Segment(
    (code, has, message, flags) => `","status":{"code":"${code}","message":${has === 'y' ? quoteString(wellFormed(message)) : 'null'}},"traceFlags":${flags},"traceId":"`,
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

/** Unix nanoseconds of an HrTime as a decimal string (exact: no float rounding). */
export function hrTimeToNsString(t: HrTime): string {
  const sec = t[0];
  const ns = t[1];
  if (Number.isSafeInteger(sec) && sec > 0 && Number.isSafeInteger(ns) && ns >= 0 && ns < 1e9) {
    // Spans end close together: the seconds' digits are usually those of the last call.
    if (sec !== lastSec) {
      lastSec = sec;
      lastSecText = '' + sec;
    }
    // 1e9 + ns has exactly ten digits; its last nine are ns zero-padded.
    return lastSecText + ('' + (1_000_000_000 + ns)).slice(1);
  }
  return (BigInt(Math.trunc(sec)) * 1_000_000_000n + BigInt(Math.trunc(ns))).toString();
}

const linkText = (cid: CID | null): string => (cid === null ? 'null' : '{"/":"' + cid.toString() + '"}');

/** Ids are hex: written as they are; anything else escaped as a DAG-JSON string would be. */
const PLAIN_ID = /^[0-9A-Za-z]*$/;

/** The text of an id between its quotes. */
function idInner(name: string, id: unknown): string {
  if (typeof id !== 'string') throw new Error(`${name} is not a string (${typeof id})`);
  if (PLAIN_ID.test(id)) return id;
  const quoted = quoteString(wellFormed(id));
  return quoted.slice(1, -1);
}

export class SpanRecordBuilder {
  private readonly attributes: AttributeWriter;
  // Bounded: at most 256 entries of at most 16K characters each (a few MB at worst).
  private readonly rawMemo = new BlockMemo(256, 1 << 14);
  private readonly paramsMemo = new BlockMemo(256, 1 << 14);
  /** Reused for every span (the builder writes one record at a time). */
  private readonly n = new Normaliser();
  private readonly text: AttributeText = { attributes: '', params: '' };
  private readonly segments = new RecordSegments();
  private lastParams = '';
  private lastParamsBlock: BlockInput | undefined;

  constructor(private readonly payloads: ReadonlyMap<string, PayloadDirection>) {
    this.attributes = new AttributeWriter(payloads);
  }

  isPayload = (key: string): boolean => this.payloads.has(key);

  /**
   * The record text of `span` at `ctx`'s chain position; its blocks go to `ctx`, its links to `links`.
   * Throws (an UnstorableValueError for values DAG-JSON cannot carry) with a message naming the span.
   */
  write(span: ReadableSpan, ctx: RecordContext, links: SpanLinks): string {
    try {
      return this.writeRecord(span, ctx, links);
    } catch (err) {
      const ids = safeIds(span);
      const msg = `span ${JSON.stringify(safeName(span))} (trace ${ids.traceId}, span ${ids.spanId}) cannot be stored: ${(err as Error).message}`;
      throw err instanceof UnstorableValueError ? new UnstorableValueError(msg) : new Error(msg);
    }
  }

  private writeRecord(span: ReadableSpan, ctx: RecordContext, links: SpanLinks): string {
    const sc = span.spanContext();
    const traceId = idInner('traceId', sc.traceId);
    const spanId = idInner('spanId', sc.spanId);
    const parent = span.parentSpanContext?.spanId;
    const parentText = parent === undefined || parent === null ? 'null' : '"' + idInner('parentSpanId', parent) + '"';
    const n = this.n;
    n.reset();
    const flags = sc.traceFlags ?? 0;
    const flagsText = Number.isSafeInteger(flags) ? '' + flags : encodeDagJsonString(n.value(flags, '', 'traceFlags') ?? null);

    const resource = resourcePart(span);
    ctx.put(resource.block);

    const attrs = (span.attributes ?? {}) as Record<string, unknown>;
    const plan = this.attributes.plan(Object.keys(attrs));
    const text = this.text;
    this.attributes.write(attrs, plan, n, text);

    // Payloads: a raw block each, linked from the input / output map under the attribute's name.
    let input = '';
    let output = '';
    const { keys, quoted, role } = plan;
    for (let i = 0; i < keys.length; i++) {
      const r = role[i]!;
      if (r < ROLE_INPUT) continue;
      const key = keys[i]!;
      const value = attrs[key];
      if (value === undefined) continue;
      const cid = this.rawBlock(ctx, value, key);
      // A remembered block (system prompt, tools) is the same CID object again: so is its map entry.
      if (plan.lastLinks[i] !== cid) {
        plan.lastLinks[i] = cid;
        plan.lastLinkEntries[i] = quoted[i]! + ':{"/":"' + cid.toString() + '"}';
      }
      const entry = plan.lastLinkEntries[i]!;
      if (r === ROLE_OUTPUT) output += output.length === 0 ? entry : ',' + entry;
      else input += input.length === 0 ? entry : ',' + entry;
    }
    links.input = input.length === 0 ? null : ctx.putText(CODEC_DAG_JSON, '{' + input + '}');
    links.params = text.params.length === 0 ? null : this.paramsBlock(ctx, text.params);
    links.output = output.length === 0 ? null : ctx.putText(CODEC_DAG_JSON, '{' + output + '}');

    // Events and links are rare on GenAI spans: built as maps and encoded.
    const eventsText = span.events && span.events.length > 0 ? encodeDagJsonString(this.events(span, ctx)) : '[]';
    const spanLinksText = span.links && span.links.length > 0 ? encodeDagJsonString(this.spanLinks(span)) : '[]';
    const dropped = resource.dropped.length > 0 ? n.dropped.concat(resource.dropped) : n.dropped;
    const status = span.status ?? { code: 0 };
    const seg = this.segments;
    // Keys in DAG-JSON order; stretches that usually repeat come from one-entry caches (see Segment).
    return (
      '{"attributes":' + text.attributes +
      (dropped.length === 0 ? ',"dropped":[],"end":"' : ',"dropped":' + encodeDagJsonString(dropped) + ',"end":"') +
      hrTimeToNsString(span.endTime) +
      (eventsText === '[]' ? '","events":[],"input":' : '","events":' + eventsText + ',"input":') +
      linkText(links.input) +
      seg.kindToOutput.get(KIND_NAMES[span.kind] ?? 'INTERNAL', spanLinksText, ctx.logText, String(span.name)) +
      linkText(links.output) +
      seg.params.get(links.params === null ? 'null' : links.params.toString()) +
      parentText +
      ',"prev":' + ctx.prevText +
      seg.resourceScope.get(resource.linkText, scopeText(span)) +
      ctx.seq +
      ',"spanId":"' + spanId +
      '","start":"' + hrTimeToNsString(span.startTime) +
      (typeof status.message === 'string'
        ? seg.statusFlags.get(STATUS_NAMES[status.code] ?? 'UNSET', 'y', status.message, flagsText)
        : seg.statusFlags.get(STATUS_NAMES[status.code] ?? 'UNSET', 'n', '', flagsText)) +
      traceId +
      TAIL
    );
  }

  /** Raw block of a payload value: a string's UTF-8 bytes, any other value's DAG-JSON encoding (FORMAT.md 5.2). */
  private rawBlock(ctx: RecordContext, value: unknown, key: string, parent = 'attributes'): CID {
    if (typeof value === 'string') {
      const text = wellFormed(value);
      return REPEATING_PAYLOADS.has(key) ? this.memoBlock(ctx, this.rawMemo, CODEC_RAW, text) : ctx.putText(CODEC_RAW, text);
    }
    const v = this.n.value(value, parent, key);
    return ctx.putText(CODEC_RAW, encodeDagJsonString(v === undefined ? null : v));
  }

  /** The params block; the same params text as the last span's (the same string) is not even looked up. */
  private paramsBlock(ctx: RecordContext, entries: string): CID {
    if (entries !== this.lastParams) {
      const text = '{' + entries + '}';
      this.lastParamsBlock = this.paramsMemo.get(text) ?? { cid: ctx.putText(CODEC_DAG_JSON, text), bytes: Buffer.from(text, 'utf8') };
      this.paramsMemo.remember(text, this.lastParamsBlock);
      this.lastParams = entries;
    }
    return ctx.put(this.lastParamsBlock!);
  }

  /** A block whose text repeats: hashed the first time, then only looked up (and put once per pack). */
  private memoBlock(ctx: RecordContext, memo: BlockMemo, codec: number, text: string): CID {
    const known = memo.get(text);
    if (known !== undefined) return ctx.put(known);
    const cid = ctx.putText(codec, text);
    memo.remember(text, { cid, bytes: Buffer.from(text, 'utf8') });
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
