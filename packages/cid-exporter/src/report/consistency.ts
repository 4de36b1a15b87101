/**
 * `consistency`: GenAI calls grouped by input CID (the input block, FORMAT.md section 5.2: the same
 * prompt, system instructions and tool definitions give the same CID), and the groups whose outputs
 * differ. Failed calls (span status ERROR) have no answer to compare and are left out; calls without an
 * input block (nothing captured) cannot be grouped.
 *
 * Memory grows with the distinct (input, output) pairs, not with the records: a group keeps counts,
 * first and last times and model names per distinct output. Texts are read only for the groups shown.
 * The sampling parameters that let outputs differ legitimately (`gen_ai.request.temperature` above 0
 * or unset, no `gen_ai.request.seed`) are listed per group, never used to hide a group.
 */
import {
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
} from '@llm-provenance/semantic-conventions';
import { nanosToIso } from '../query/query.js';
import type { ProvenanceSource } from '../read/source.js';
import { forEachCall, withSources, type CallFilter, type GenAiCall, type ReadOptions } from './calls.js';
import { blockText, cut, wordDiff, type TextDiff } from './content.js';

export interface ConsistencyOutput {
  /** Output block CID; null for calls that recorded no output. */
  output_cid: string | null;
  count: number;
  models: string[];
  first: string;
  last: string;
  /** The output's text, cut short; null when content was not captured. */
  text: string | null;
  /** Against the group's first (most frequent) output, when both texts were captured. */
  diff?: TextDiff;
}

export interface ConsistencyParams {
  params_cid: string | null;
  temperature: number | null;
  seed: number | null;
  top_p: number | null;
  calls: number;
}

export interface ConsistencyGroup {
  input_cid: string;
  calls: number;
  distinct_outputs: number;
  outputs: ConsistencyOutput[];
  models: string[];
  first: string;
  last: string;
  /** The prompt's text, cut short; null when not captured. */
  input_text: string | null;
  params: ConsistencyParams[];
  /** True when some call sampled without a seed at a temperature above 0 (or the provider's default). */
  sampling_may_vary: boolean;
}

export interface ConsistencyReport {
  groups: ConsistencyGroup[];
  summary: {
    /** Calls that could be grouped (not failed, with an input block). */
    calls: number;
    distinct_inputs: number;
    /** Inputs asked more than once. */
    repeated_inputs: number;
    /** Repeated inputs whose outputs differ. */
    differing_inputs: number;
  };
}

export interface ConsistencyOptions extends CallFilter, ReadOptions {
  /** Include repeated inputs whose outputs all agree. */
  all?: boolean;
}

interface Seen {
  /** Where this input or output was first seen (its block is read from there). */
  source: ProvenanceSource;
  count: number;
  first: bigint;
  last: bigint;
  models: Set<string>;
}

interface Group extends Seen {
  order: number;
  outputs: Map<string | null, Seen>;
  params: Map<string | null, ConsistencyParams>;
  mayVary: boolean;
}

const numOrNull = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function see(s: Seen, call: GenAiCall): void {
  s.count++;
  if (call.start < s.first) s.first = call.start;
  if (call.start > s.last) s.last = call.start;
  if (call.dims.model !== null) s.models.add(call.dims.model);
}
const fresh = (call: GenAiCall): Seen => ({ source: call.source, count: 0, first: call.start, last: call.start, models: new Set() });
const iso = (ns: bigint): string => nanosToIso(ns.toString());

/** The consistency groups of a store directory or CAR export, or of several (e.g. one per machine) as one. */
export function buildConsistency(path: string | readonly string[], options: ConsistencyOptions = {}): ConsistencyReport {
  return withSources(path, (sources) => {
    const groups = new Map<string, Group>();
    let calls = 0;
    forEachCall(
      sources,
      options,
      (call) => {
        if (call.error || !call.inputCid) return;
        calls++;
        let g = groups.get(call.inputCid);
        if (!g) groups.set(call.inputCid, (g = { ...fresh(call), order: groups.size, outputs: new Map(), params: new Map(), mayVary: false }));
        see(g, call);
        let o = g.outputs.get(call.outputCid);
        if (!o) g.outputs.set(call.outputCid, (o = fresh(call)));
        see(o, call);
        const a = call.record.attributes ?? {};
        let p = g.params.get(call.paramsCid);
        if (!p) {
          p = {
            params_cid: call.paramsCid,
            temperature: numOrNull(a[ATTR_GEN_AI_REQUEST_TEMPERATURE]),
            seed: numOrNull(a[ATTR_GEN_AI_REQUEST_SEED]),
            top_p: numOrNull(a[ATTR_GEN_AI_REQUEST_TOP_P]),
            calls: 0,
          };
          g.params.set(call.paramsCid, p);
        }
        p.calls++;
        if (p.seed === null && (p.temperature === null || p.temperature > 0)) g.mayVary = true;
      },
      options,
    );
    const repeated = [...groups.entries()].filter(([, g]) => g.count > 1);
    const differing = repeated.filter(([, g]) => g.outputs.size > 1);
    const shown = (options.all ? repeated : differing).sort(([, x], [, y]) => Number(y.outputs.size > 1) - Number(x.outputs.size > 1) || x.order - y.order);
    return {
      groups: shown.map(([input, g]) =>
        describeGroup(
          input,
          g,
          (block) => blockText(g.outputs.get(block)?.source ?? g.source, block, ATTR_GEN_AI_OUTPUT_MESSAGES),
          blockText(g.source, input, ATTR_GEN_AI_INPUT_MESSAGES),
        ),
      ),
      summary: { calls, distinct_inputs: groups.size, repeated_inputs: repeated.length, differing_inputs: differing.length },
    };
  });
}

function describeGroup(input: string, g: Group, outputText: (block: string | null) => string | null, inputText: string | null): ConsistencyGroup {
  const outputs = [...g.outputs.entries()]
    .sort(([, x], [, y]) => y.count - x.count || (x.first < y.first ? -1 : x.first > y.first ? 1 : 0))
    .map(([cid, o]): ConsistencyOutput => ({
      output_cid: cid,
      count: o.count,
      models: [...o.models].sort(),
      first: iso(o.first),
      last: iso(o.last),
      text: cid ? outputText(cid) : null,
    }));
  const base = outputs[0]?.text ?? null;
  for (const o of outputs.slice(1)) if (base !== null && o.text !== null) o.diff = wordDiff(base, o.text);
  for (const o of outputs) if (o.text !== null) o.text = cut(o.text);
  return {
    input_cid: input,
    calls: g.count,
    distinct_outputs: g.outputs.size,
    outputs,
    models: [...g.models].sort(),
    first: iso(g.first),
    last: iso(g.last),
    input_text: inputText === null ? null : cut(inputText),
    params: [...g.params.values()],
    sampling_may_vary: g.mayVary,
  };
}

const paramText = (p: ConsistencyParams): string =>
  [`temperature ${p.temperature ?? 'unset'}`, `seed ${p.seed ?? 'none'}`, ...(p.top_p !== null ? [`top_p ${p.top_p}`] : [])].join(', ');

/** The report in words: each group, its outputs with counts, models, times and diffs; then a summary line. */
export function formatConsistency(report: ConsistencyReport): string[] {
  const lines: string[] = [];
  for (const g of report.groups) {
    const verdict = g.distinct_outputs > 1 ? `${g.distinct_outputs} different outputs` : 'every output identical';
    lines.push(`input ${g.input_cid}: ${g.calls} calls, ${verdict}`);
    if (g.input_text !== null) lines.push(`  prompt   ${g.input_text}`);
    lines.push(`  models   ${g.models.join(', ') || '-'}`);
    lines.push(`  between  ${g.first} and ${g.last}`);
    for (const p of g.params) lines.push(`  params   ${paramText(p)} (${p.calls} call${p.calls === 1 ? '' : 's'})`);
    if (g.sampling_may_vary) lines.push('  note     sampled at a temperature above 0 (or the default) without a seed: outputs may legitimately differ');
    for (const o of g.outputs) {
      lines.push(
        `  ${String(o.count).padStart(4)} x output ${o.output_cid ?? 'none'}  ${o.models.join(', ')}  ${o.first}${o.last !== o.first ? ` .. ${o.last}` : ''}`,
      );
      if (o.text !== null) lines.push(`         says ${o.text}`);
      if (o.diff) lines.push(`         - ${o.diff.removed}`, `         + ${o.diff.added}`);
    }
    lines.push('');
  }
  const s = report.summary;
  lines.push(
    `${s.distinct_inputs} distinct input${s.distinct_inputs === 1 ? '' : 's'} over ${s.calls} call${s.calls === 1 ? '' : 's'}; ${s.repeated_inputs} asked more than once, ${s.differing_inputs} of them with differing outputs`,
  );
  return lines;
}
