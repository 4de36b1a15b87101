/**
 * A span's attributes as record bytes (FORMAT.md 3.1 `attributes`, 5.3 params, 9 normalisation), written
 * straight from the span into the record's buffer: payload attributes left out, `gen_ai.request.*` also
 * collected into the params block. Spans of one instrumentation set the same keys in the same order, so
 * the sorted key order, the quoted keys and each key's role are worked out once per key order (a "key
 * plan") and reused; and since most values repeat from call to call (operation, provider, model,
 * parameters, server), each entry's bytes are kept and copied again while its value is the same.
 */
import { CID, CODEC_DAG_JSON, dagJsonCid } from '../cid.js';
import { encodeDagJsonString, encodeNumber, quoteString } from '../dag-json/encode.js';
import { type Normaliser, wellFormed } from '../normalise.js';
import type { DagMap } from '../record.js';
import { sha256Text } from '../sha256.js';
import type { ByteBatch } from '../store/byte-batch.js';
import type { BlockInput } from '../store/record-input.js';
import { BlockMemo } from './block-memo.js';
import { PARAMS_PREFIX, type PayloadDirection } from './payload-attributes.js';

export const ROLE_PLAIN = 0;
export const ROLE_PARAM = 1;
export const ROLE_INPUT = 2;
export const ROLE_OUTPUT = 3;

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const TRUE = utf8('true');
const FALSE = utf8('false');

export interface KeyPlan {
  /** The keys in the span's own order (what a plan is looked up by). */
  readonly order: readonly string[];
  /**
   * False when a key needs normalising (a lone surrogate, `/`, `__proto__`): attributes and params then
   * go through the Normaliser, and the entries below list only the payloads.
   */
  readonly simple: boolean;
  /** Per entry, in the record's (sorted, normalised) key order: the span's key, its role. */
  readonly keys: readonly string[];
  readonly role: Uint8Array;
  /** `"key":` as bytes (attributes and params), `"key":{"/":"` (input / output map entries). */
  readonly keyBytes: readonly Uint8Array[];
  readonly linkKeyBytes: readonly Uint8Array[];
  /** Whether the plan has input / output payload keys at all. */
  readonly hasInput: boolean;
  readonly hasOutput: boolean;
  /**
   * The last span's value per key as remembered (see rememberable), the bytes of its attribute entries
   * (`"key":value` joined by commas, without braces) and where each entry is in them (-1: not written):
   * the entries whose value is the same again are copied from there, runs of them at once.
   */
  readonly lastValues: unknown[];
  last: Buffer;
  lastStart: Int32Array;
  lastEnd: Int32Array;
  /** This span's entry places, written as it goes (swapped with lastStart / lastEnd after each span). */
  nextStart: Int32Array;
  nextEnd: Int32Array;
  /** The last span's params block (undefined before the first span, null for none); kept while no param changes. */
  paramsBlock: BlockInput | null | undefined;
}

const MAX_PLANS = 8;

export class AttributeWriter {
  private readonly plans: KeyPlan[] = [];
  /** Params blocks by their bytes (latin1), for spans alternating between a few parameter sets. */
  private readonly paramsMemo = new BlockMemo(256, 1 << 14);

  constructor(private readonly payloads: ReadonlyMap<string, PayloadDirection>) {}

  /** The plan for this span's key order: one of the last few, or a new one. */
  plan(attrs: Record<string, unknown>): KeyPlan {
    const plans = this.plans;
    // Object.keys costs less than for-in on the SDK's attributes objects (they are in dictionary mode).
    const order = Object.keys(attrs);
    outer: for (let p = 0; p < plans.length; p++) {
      const known = plans[p]!.order;
      if (known.length !== order.length) continue;
      for (let i = 0; i < order.length; i++) if (known[i] !== order[i]) continue outer;
      const plan = plans[p]!;
      if (p > 0) {
        plans.splice(p, 1);
        plans.unshift(plan);
      }
      return plan;
    }
    const plan = this.makePlan(order);
    if (plans.length >= MAX_PLANS) plans.pop();
    plans.unshift(plan);
    return plan;
  }

  private roleOf(key: string): number {
    const dir = this.payloads.get(key);
    if (dir !== undefined) return dir === 'input' ? ROLE_INPUT : ROLE_OUTPUT;
    return key.startsWith(PARAMS_PREFIX) ? ROLE_PARAM : ROLE_PLAIN;
  }

  private makePlan(order: string[]): KeyPlan {
    const sorted = order.slice().sort();
    const simple = sorted.every((k) => k !== '/' && k !== '__proto__' && wellFormed(k) === k);
    let keys: string[];
    let stored: string[];
    if (simple) {
      keys = sorted;
      stored = sorted;
    } else {
      // Payloads by stored key; of two span keys that normalise to the same one, the later (sorted) wins,
      // as in Normaliser.map.
      const byStored = new Map<string, string>();
      for (const key of sorted) {
        const s = wellFormed(key);
        if (s !== '/' && s !== '__proto__' && this.payloads.has(key)) byStored.set(s, key);
      }
      stored = [...byStored.keys()].sort();
      keys = stored.map((s) => byStored.get(s)!);
    }
    const role = Uint8Array.from(keys, (k) => this.roleOf(k));
    return {
      order,
      simple,
      keys,
      role,
      keyBytes: stored.map((s) => utf8(quoteString(s) + ':')),
      linkKeyBytes: stored.map((s) => utf8(quoteString(s) + ':{"/":"')),
      hasInput: role.includes(ROLE_INPUT),
      hasOutput: role.includes(ROLE_OUTPUT),
      lastValues: new Array<unknown>(keys.length).fill(undefined),
      last: Buffer.allocUnsafe(256),
      lastStart: new Int32Array(keys.length).fill(-1),
      lastEnd: new Int32Array(keys.length).fill(-1),
      nextStart: new Int32Array(keys.length).fill(-1),
      nextEnd: new Int32Array(keys.length).fill(-1),
      paramsBlock: undefined,
    };
  }

  /**
   * Writes the span's `attributes` map into `out` (drops are recorded in `n`); returns its params block
   * (null when the span has no `gen_ai.request.*` attribute).
   */
  write(attrs: Record<string, unknown>, plan: KeyPlan, n: Normaliser, out: ByteBatch): BlockInput | null {
    if (!plan.simple) return this.writeNormalised(attrs, n, out);
    const { keys, role, keyBytes, lastValues, lastStart, lastEnd, nextStart, nextEnd } = plan;
    let paramsChanged = plan.paramsBlock === undefined;
    out.writeByte(123); // {
    const base = out.pos;
    // The run of unchanged entries being gathered: bytes [runFrom, runTo) of `last`, entries [runFirst, i).
    let runFrom = -1;
    let runTo = -1;
    let runFirst = 0;
    let written = 0;
    for (let i = 0; i < keys.length; i++) {
      const r = role[i]!;
      if (r >= ROLE_INPUT) continue;
      const v = attrs[keys[i]!];
      if (sameValue(v, lastValues[i])) {
        // Written last time (only written values are remembered); it continues the run if it came next.
        const from = lastStart[i]!;
        if (runFrom >= 0 && from === runTo + 1) runTo = lastEnd[i]!;
        else {
          if (runFrom >= 0) written += this.copyRun(plan, out, base, runFrom, runTo, runFirst, i, written);
          runFrom = from;
          runTo = lastEnd[i]!;
          runFirst = i;
        }
        continue;
      }
      if (runFrom >= 0) {
        written += this.copyRun(plan, out, base, runFrom, runTo, runFirst, i, written);
        runFrom = -1;
      }
      if (r === ROLE_PARAM) paramsChanged = true;
      lastValues[i] = undefined;
      nextStart[i] = -1;
      const comma = out.pos;
      if (written > 0) out.writeByte(44); // ,
      const start = out.pos;
      out.bytes(keyBytes[i]!);
      if (!writeValue(out, v, n, keys[i]!)) {
        out.pos = comma;
        n.dropped.push('attributes.' + keys[i]!);
        continue;
      }
      nextStart[i] = start - base;
      nextEnd[i] = out.pos - base;
      lastValues[i] = rememberable(v);
      written++;
    }
    if (runFrom >= 0) this.copyRun(plan, out, base, runFrom, runTo, runFirst, keys.length, written);
    // This span's entries become the last ones.
    const length = out.pos - base;
    if (plan.last.length < length) plan.last = Buffer.allocUnsafe(Math.max(length, plan.last.length * 2));
    out.buf.copy(plan.last, 0, base, out.pos);
    plan.lastStart = nextStart;
    plan.lastEnd = nextEnd;
    plan.nextStart = lastStart;
    plan.nextEnd = lastEnd;
    out.writeByte(125); // }
    if (paramsChanged) plan.paramsBlock = this.paramsBlock(plan, out.buf, base);
    return plan.paramsBlock!;
  }

  /**
   * Copies bytes [from, to) of the last span's entries (the entries [first, end) that were the same, with
   * the commas between them) to `out`, after a comma unless nothing was written yet, and notes where they
   * are now. Returns how many entries it wrote.
   */
  private copyRun(plan: KeyPlan, out: ByteBatch, base: number, from: number, to: number, first: number, end: number, written: number): number {
    if (written > 0) out.writeByte(44);
    const length = to - from;
    out.ensure(length);
    const shift = out.pos - base - from;
    if (length > 16) plan.last.copy(out.buf, out.pos, from, to);
    else {
      const src = plan.last;
      const buf = out.buf;
      let p = out.pos;
      for (let k = from; k < to; k++) buf[p++] = src[k]!;
    }
    out.pos += length;
    let count = 0;
    const { role, lastStart, lastEnd, nextStart, nextEnd } = plan;
    for (let i = first; i < end; i++) {
      if (role[i]! >= ROLE_INPUT) continue;
      nextStart[i] = lastStart[i]! + shift;
      nextEnd[i] = lastEnd[i]! + shift;
      count++;
    }
    return count;
  }

  /**
   * The params block `{<params entries>}` (FORMAT.md 5.3) from this span's entries, written at `base` of
   * `buf`; null when the span has none.
   */
  private paramsBlock(plan: KeyPlan, buf: Buffer, base: number): BlockInput | null {
    const { role, lastStart, lastEnd } = plan;
    let length = 1;
    let count = 0;
    for (let i = 0; i < role.length; i++) {
      if (role[i] !== ROLE_PARAM || lastStart[i]! < 0) continue;
      length += lastEnd[i]! - lastStart[i]! + 1;
      count++;
    }
    if (count === 0) return null;
    const bytes = Buffer.allocUnsafe(length);
    let p = 0;
    bytes[p++] = 123;
    for (let i = 0; i < role.length; i++) {
      if (role[i] !== ROLE_PARAM || lastStart[i]! < 0) continue;
      if (p > 1) bytes[p++] = 44;
      p += buf.copy(bytes, p, base + lastStart[i]!, base + lastEnd[i]!);
    }
    bytes[p++] = 125;
    const key = bytes.toString('latin1', 0, p);
    const known = this.paramsMemo.get(key);
    if (known !== undefined) return known;
    const cid = new CID(CODEC_DAG_JSON, sha256Text(bytes));
    // The link is written into every record of this parameter set: its string form is made once.
    cid.toString();
    const block = { cid, bytes };
    this.paramsMemo.remember(key, block);
    return block;
  }

  /** The same through the Normaliser, for key lists with keys that need normalising. */
  private writeNormalised(attrs: Record<string, unknown>, n: Normaliser, out: ByteBatch): BlockInput | null {
    const map = n.map(attrs, 'attributes', (key) => this.payloads.has(key));
    const params: DagMap = {};
    let any = false;
    for (const key of Object.keys(map)) {
      if (!key.startsWith(PARAMS_PREFIX)) continue;
      params[key] = map[key]!;
      any = true;
    }
    out.writeUtf8(encodeDagJsonString(map));
    if (!any) return null;
    const bytes = Buffer.from(encodeDagJsonString(params), 'utf8');
    return { cid: dagJsonCid(bytes), bytes };
  }
}

/**
 * What is remembered of a value to recognise it on the next span: a primitive as it is, a short array of
 * strings as a copy (the SDK hands each span its own array, so the same content arrives in a new array),
 * anything else not at all (an object may change inside).
 */
function rememberable(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v) && v.length <= 8 && v.every((x) => typeof x === 'string')) return v.slice();
  return undefined;
}

/** `v` is the value `last` remembers (see rememberable). */
function sameValue(v: unknown, last: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'object') return v === last;
  if (v === null || !Array.isArray(v) || !Array.isArray(last) || v.length !== last.length) return false;
  for (let i = 0; i < v.length; i++) if (v[i] !== last[i]) return false;
  return true;
}

/**
 * Writes the DAG-JSON of one normalised attribute value; false (nothing written) when normalisation
 * drops it. Strings, numbers, booleans and arrays of strings are written here; anything else goes
 * through the Normaliser and the encoder.
 */
export function writeValue(out: ByteBatch, v: unknown, n: Normaliser, key: string): boolean {
  switch (typeof v) {
    case 'string':
      out.jsonString(v);
      return true;
    case 'number':
      if (Number.isSafeInteger(v)) {
        if (v >= 0) out.digits(v === 0 ? 0 : v);
        else out.ascii('' + v);
        return true;
      }
      if (Number.isFinite(v) && !Number.isInteger(v)) {
        out.ascii(encodeNumber(v));
        return true;
      }
      break;
    case 'boolean':
      out.bytes(v ? TRUE : FALSE);
      return true;
    case 'undefined':
      return false;
    case 'object':
      // Arrays of strings (finish reasons, stop sequences) are common attribute values.
      if (Array.isArray(v) && v.length > 0 && v.length <= 64 && v.every(isString)) {
        out.writeByte(91); // [
        for (let i = 0; i < v.length; i++) {
          if (i > 0) out.writeByte(44);
          out.jsonString(v[i] as string);
        }
        out.writeByte(93); // ]
        return true;
      }
  }
  const x = n.value(v, 'attributes', key);
  if (x === undefined) return false;
  out.writeUtf8(encodeDagJsonString(x));
  return true;
}

const isString = (x: unknown): boolean => typeof x === 'string';
