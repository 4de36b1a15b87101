/**
 * A span's attributes as record text (FORMAT.md 3.1 `attributes`, 5.3 params, 9 normalisation), written
 * straight from the span: payload attributes left out, `gen_ai.request.*` also collected for the params
 * block. Spans of one instrumentation set the same keys in the same order, so the sorted key order, the
 * quoted keys and each key's role are worked out once per key order (a "key plan") and reused.
 */
import { encodeDagJsonString, encodeNumber, quoteString } from '../dag-json/encode.js';
import { Normaliser, wellFormed } from '../normalise.js';
import type { DagMap } from '../record.js';
import { PARAMS_PREFIX, type PayloadDirection } from './payload-attributes.js';

export const ROLE_PLAIN = 0;
export const ROLE_PARAM = 1;
export const ROLE_INPUT = 2;
export const ROLE_OUTPUT = 3;

export interface KeyPlan {
  /** The keys in the span's own order (what a plan is looked up by). */
  readonly order: readonly string[];
  /**
   * False when a key needs normalising (a lone surrogate, `/`, `__proto__`): attributes and params then
   * go through the Normaliser, and the entries below list only the payloads.
   */
  readonly simple: boolean;
  /** Per entry, in the record's (sorted, normalised) key order: the span's key, its quoted stored form, its role. */
  readonly keys: readonly string[];
  readonly quoted: readonly string[];
  readonly role: Uint8Array;
  /**
   * The last span's primitive value and entry text per key, and its params text: most values repeat
   * from call to call (operation, provider, model, parameters, server), so their text is reused, and an
   * unchanged params text stays the same string (the params block is then found without hashing).
   */
  readonly lastValues: unknown[];
  readonly lastEntries: string[];
  /** The same entries with a leading comma (one concatenation per attribute instead of two). */
  readonly lastCommaEntries: string[];
  lastParams: string;
  /** Per payload key: the last linked block's CID and its entry in the input / output map. */
  readonly lastLinks: unknown[];
  readonly lastLinkEntries: string[];
}

export interface AttributeText {
  /** The `attributes` map. */
  attributes: string;
  /** The params map's entries without braces; '' when the span has none. */
  params: string;
}

const MAX_PLANS = 8;

export class AttributeWriter {
  private readonly plans: KeyPlan[] = [];

  constructor(private readonly payloads: ReadonlyMap<string, PayloadDirection>) {}

  /** The plan for this key order: one of the last few, or a new one. */
  plan(order: string[]): KeyPlan {
    const plans = this.plans;
    outer: for (let p = 0; p < plans.length; p++) {
      const known = plans[p]!.order;
      if (known.length !== order.length) continue;
      for (let i = 0; i < order.length; i++) if (known[i] !== order[i]) continue outer;
      return plans[p]!;
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
    if (simple) {
      return {
        order: order.slice(),
        simple,
        keys: sorted,
        quoted: sorted.map(quoteString),
        role: Uint8Array.from(sorted, (k) => this.roleOf(k)),
        lastValues: new Array<unknown>(sorted.length).fill(undefined),
        lastEntries: new Array<string>(sorted.length).fill(''),
        lastCommaEntries: new Array<string>(sorted.length).fill(''),
        lastParams: '',
        lastLinks: new Array<unknown>(sorted.length).fill(undefined),
        lastLinkEntries: new Array<string>(sorted.length).fill(''),
      };
    }
    // Payloads by stored key; of two span keys that normalise to the same one, the later (sorted) wins,
    // as in Normaliser.map.
    const byStored = new Map<string, string>();
    for (const key of sorted) {
      const stored = wellFormed(key);
      if (stored !== '/' && stored !== '__proto__' && this.payloads.has(key)) byStored.set(stored, key);
    }
    const stored = [...byStored.keys()].sort();
    const keys = stored.map((s) => byStored.get(s)!);
    return { order: order.slice(), simple, keys, quoted: stored.map(quoteString), role: Uint8Array.from(keys, (k) => this.roleOf(k)), lastValues: [], lastEntries: [], lastCommaEntries: [], lastParams: '', lastLinks: [], lastLinkEntries: [] };
  }

  /** Writes the attributes and params of a span into `out`; drops are recorded in `n`. */
  write(attrs: Record<string, unknown>, plan: KeyPlan, n: Normaliser, out: AttributeText): void {
    if (!plan.simple) return this.writeNormalised(attrs, n, out);
    const { keys, quoted, role, lastValues, lastEntries, lastCommaEntries } = plan;
    let text = '{';
    let params = '';
    let paramsChanged = false;
    for (let i = 0; i < keys.length; i++) {
      const r = role[i]!;
      if (r >= ROLE_INPUT) continue;
      const v = attrs[keys[i]!];
      if (!sameValue(v, lastValues[i])) {
        const value = valueText(v, n, keys[i]!);
        lastValues[i] = undefined;
        if (r === ROLE_PARAM) paramsChanged = true;
        if (value === undefined) {
          n.dropped.push('attributes.' + keys[i]!);
          continue;
        }
        lastEntries[i] = quoted[i]! + ':' + value;
        lastCommaEntries[i] = ',' + lastEntries[i]!;
        lastValues[i] = rememberable(v);
      }
      if (text.length === 1) text += lastEntries[i]!;
      else text += lastCommaEntries[i]!;
      if (r === ROLE_PARAM) params += params.length === 0 ? lastEntries[i]! : lastCommaEntries[i]!;
    }
    out.attributes = text + '}';
    if (paramsChanged) plan.lastParams = params;
    out.params = plan.lastParams;
  }

  /** The same through the Normaliser, for key lists with keys that need normalising. */
  private writeNormalised(attrs: Record<string, unknown>, n: Normaliser, out: AttributeText): void {
    const map = n.map(attrs, 'attributes', (key) => this.payloads.has(key));
    const params: DagMap = {};
    let any = false;
    for (const key of Object.keys(map)) {
      if (!key.startsWith(PARAMS_PREFIX)) continue;
      params[key] = map[key]!;
      any = true;
    }
    out.attributes = encodeDagJsonString(map);
    out.params = any ? encodeDagJsonString(params).slice(1, -1) : '';
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
 * DAG-JSON text of one normalised attribute value, or undefined when normalisation drops it. Strings,
 * numbers and booleans are written here; anything else goes through the Normaliser and the encoder.
 */
export function valueText(v: unknown, n: Normaliser, key: string): string | undefined {
  switch (typeof v) {
    case 'string':
      return quoteString(wellFormed(v));
    case 'number':
      if (Number.isSafeInteger(v)) return v === 0 ? '0' : '' + v;
      if (Number.isFinite(v) && !Number.isInteger(v)) return encodeNumber(v);
      break;
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
      return undefined;
    case 'object':
      // Arrays of strings (finish reasons, stop sequences) are common attribute values.
      if (Array.isArray(v) && v.length > 0 && v.length <= 64) {
        let text = '[';
        for (let i = 0; i < v.length; i++) {
          const x = v[i];
          if (typeof x !== 'string') {
            text = '';
            break;
          }
          text += (i === 0 ? '' : ',') + quoteString(wellFormed(x));
        }
        if (text.length > 0) return text + ']';
      }
  }
  const x = n.value(v, 'attributes', key);
  return x === undefined ? undefined : encodeDagJsonString(x);
}
