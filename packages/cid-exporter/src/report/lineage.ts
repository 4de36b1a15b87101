/**
 * `lineage CID`: where a payload or record came from and where it went. A span record links an input
 * block, a params block and an output block (FORMAT.md section 3.1), and the input and output blocks link
 * one raw block per payload attribute (section 5.2); identical bytes have one CID, so a CID that one
 * record produced and another consumed ties the two together. Upstream of a CID are the records whose
 * output holds it, then whatever produced their inputs, and so on; downstream are the records whose input
 * holds it, then whatever consumed their outputs. Each record also names the spans it ran inside (its
 * parent chain in the trace, e.g. an agent or tool span) and the S3 object it names, when recorded.
 *
 * The store is streamed once per level of the tree (at most `depth` levels) plus once for the traces
 * involved; memory holds only the records found and a bounded cache of decoded input/output blocks.
 */
import {
  ATTR_AWS_S3_BUCKET,
  ATTR_AWS_S3_KEY,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
} from '@llm-provenance/semantic-conventions';
import { forEachRecord } from '../query/read-records.js';
import { nanosToIso } from '../query/query.js';
import type { ProvenanceSource } from '../read/source.js';
import type { SpanRecord } from '../record.js';
import { linkCid, withSource } from './calls.js';
import { payloadLinks } from './content.js';

/** Levels followed each way by default. */
export const DEFAULT_DEPTH = 5;
/** Decoded input/output blocks kept between records; the cache is emptied when it reaches this size. */
const BLOCK_CACHE_LIMIT = 50_000;

/** One record in the lineage. */
export interface LineageRecord {
  record_cid: string;
  name: string;
  operation: string | null;
  provider: string | null;
  model: string | null;
  time: string;
  status: 'ok' | 'error';
  trace_id: string;
  span_id: string;
  /** `s3://bucket/key` when the span names an S3 object (aws.s3.bucket, aws.s3.key). */
  s3: string | null;
  /** The spans this one ran inside, nearest first, as far as the store holds them. */
  within: Array<{ record_cid: string; name: string; operation: string | null }>;
}

/** A CID a record links: `input`/`output`/`params` for the blocks, the attribute name for a payload. */
export interface LineageLink {
  attribute: string;
  cid: string;
}

/** A record upstream of a CID: it produced the CID; its inputs lead further up. */
export interface UpstreamNode extends LineageRecord {
  inputs: Array<LineageLink & { produced_by: UpstreamNode[] }>;
  params: string | null;
}

/** A record downstream of a CID: it consumed the CID; its outputs lead further down. */
export interface DownstreamNode extends LineageRecord {
  outputs: Array<LineageLink & { used_by: DownstreamNode[] }>;
}

export interface Lineage {
  cid: string;
  /** What the CID is to the records that hold it: the record itself, or one of its links. */
  is: Array<{ record_cid: string; role: 'record' | 'input' | 'params' | 'output'; attribute: string }>;
  /** Records that produced the CID (for a record CID: the producers of its inputs). */
  upstream: Array<UpstreamNode | (LineageLink & { produced_by: UpstreamNode[] })>;
  /** Records that consumed the CID (for a record CID: the consumers of its outputs). */
  downstream: Array<DownstreamNode | (LineageLink & { used_by: DownstreamNode[] })>;
}

interface Found {
  summary: LineageRecord;
  parentSpanId: string | null;
  ins: LineageLink[];
  outs: LineageLink[];
  params: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The links of a record: its block and every payload the block links. */
function links(source: ProvenanceSource, block: string | null, label: string, cache: Map<string, Record<string, string>>): LineageLink[] {
  if (!block) return [];
  let payloads = cache.get(block);
  if (!payloads) {
    if (cache.size >= BLOCK_CACHE_LIMIT) cache.clear();
    cache.set(block, (payloads = payloadLinks(source, block)));
  }
  return [{ attribute: label, cid: block }, ...Object.entries(payloads).map(([attribute, cid]) => ({ attribute, cid }))];
}

function summarise(cid: string, r: SpanRecord): LineageRecord {
  const a = r.attributes ?? {};
  const bucket = str(a[ATTR_AWS_S3_BUCKET]);
  const key = str(a[ATTR_AWS_S3_KEY]);
  return {
    record_cid: cid,
    name: r.name,
    operation: str(a[ATTR_GEN_AI_OPERATION_NAME]),
    provider: str(a[ATTR_GEN_AI_PROVIDER_NAME]),
    model: str(a[ATTR_GEN_AI_RESPONSE_MODEL]) ?? str(a[ATTR_GEN_AI_REQUEST_MODEL]),
    time: nanosToIso(r.start),
    status: r.status?.code === 'ERROR' ? 'error' : 'ok',
    trace_id: r.traceId,
    span_id: r.spanId,
    s3: bucket !== null && key !== null ? `s3://${bucket}/${key}` : null,
    within: [],
  };
}

/** Checks that `cid` reads as a CID string (multibase base32, `b` prefix), naming the problem otherwise. */
export function assertCidText(cid: string): void {
  if (!/^b[a-z2-7]{20,}$/.test(cid)) throw new Error(`${JSON.stringify(cid)} is not a CID (expected a base32 CIDv1 such as bagu... or bafk...)`);
}

/** The lineage of `cid` in a store directory or CAR export. */
export function buildLineage(path: string, cid: string, options: { depth?: number } = {}): Lineage {
  assertCidText(cid);
  const depth = options.depth ?? DEFAULT_DEPTH;
  return withSource(path, (source) => {
    const cache = new Map<string, Record<string, string>>();
    const records = new Map<string, Found>();
    /** CID -> records whose outputs / inputs hold it. */
    const producers = new Map<string, Set<string>>();
    const consumers = new Map<string, Set<string>>();
    const is: Lineage['is'] = [];
    let seekUp = new Set([cid]);
    let seekDown = new Set([cid]);
    const soughtUp = new Set<string>();
    const soughtDown = new Set<string>();
    const add = (index: Map<string, Set<string>>, key: string, record: string) => {
      let s = index.get(key);
      if (!s) index.set(key, (s = new Set()));
      s.add(record);
    };

    for (let level = 0; level <= depth && (seekUp.size > 0 || seekDown.size > 0); level++) {
      for (const c of seekUp) soughtUp.add(c);
      for (const c of seekDown) soughtDown.add(c);
      const newUp: string[] = [];
      const newDown: string[] = [];
      forEachRecord(source, (s) => {
        if (s.record.type !== 'span') return true;
        const r = s.record;
        const rec = s.record as unknown as Record<string, unknown>;
        const isTarget = level === 0 && s.cid === cid;
        const params = linkCid(rec.params);
        const ins = links(source, linkCid(rec.input), 'input', cache);
        const outs = links(source, linkCid(rec.output), 'output', cache);
        const producing = outs.filter((l) => seekUp.has(l.cid));
        const consuming = [...ins, ...(params ? [{ attribute: 'params', cid: params }] : [])].filter((l) => seekDown.has(l.cid));
        if (!isTarget && producing.length === 0 && consuming.length === 0) return true;
        if (!records.has(s.cid)) records.set(s.cid, { summary: summarise(s.cid, r), parentSpanId: r.parentSpanId ?? null, ins, outs, params });
        if (level === 0) {
          if (isTarget) is.push({ record_cid: s.cid, role: 'record', attribute: 'record' });
          for (const l of producing) is.push({ record_cid: s.cid, role: 'output', attribute: l.attribute });
          for (const l of consuming) is.push({ record_cid: s.cid, role: l.attribute === 'params' ? 'params' : 'input', attribute: l.attribute });
        }
        for (const l of producing) add(producers, l.cid, s.cid);
        for (const l of consuming) add(consumers, l.cid, s.cid);
        // follow inputs up from a producer (or from the target record), outputs down from a consumer
        if (producing.length > 0 || isTarget) for (const l of ins) newUp.push(l.cid);
        if (consuming.length > 0 || isTarget) for (const l of outs) newDown.push(l.cid);
        return true;
      });
      seekUp = new Set(newUp.filter((c) => !soughtUp.has(c)));
      seekDown = new Set(newDown.filter((c) => !soughtDown.has(c)));
    }
    addTraceContext(source, records);

    const upFrom = (c: string, seen: Set<string>): UpstreamNode[] =>
      [...(producers.get(c) ?? [])]
        .filter((rc) => !seen.has(rc))
        .map((rc) => {
          const f = records.get(rc)!;
          const next = new Set(seen).add(rc);
          return {
            ...f.summary,
            inputs: f.ins.map((l) => ({ ...l, produced_by: upFrom(l.cid, next) })),
            params: f.params,
          };
        });
    const downFrom = (c: string, seen: Set<string>): DownstreamNode[] =>
      [...(consumers.get(c) ?? [])]
        .filter((rc) => !seen.has(rc))
        .map((rc) => {
          const f = records.get(rc)!;
          const next = new Set(seen).add(rc);
          return { ...f.summary, outputs: f.outs.map((l) => ({ ...l, used_by: downFrom(l.cid, next) })) };
        });

    const target = is.some((x) => x.role === 'record') ? records.get(cid) : undefined;
    if (target) {
      const seen = new Set([cid]);
      return {
        cid,
        is,
        upstream: target.ins.map((l) => ({ ...l, produced_by: upFrom(l.cid, seen) })),
        downstream: target.outs.map((l) => ({ ...l, used_by: downFrom(l.cid, seen) })),
      };
    }
    return { cid, is, upstream: upFrom(cid, new Set()), downstream: downFrom(cid, new Set()) };
  });
}

/** Fills each found record's `within`: its ancestors in its trace, read in one more pass over the store. */
function addTraceContext(source: ProvenanceSource, records: Map<string, Found>): void {
  const traces = new Set([...records.values()].map((f) => f.summary.trace_id));
  if (traces.size === 0) return;
  const spans = new Map<string, { cid: string; name: string; operation: string | null; parent: string | null }>();
  forEachRecord(source, (s) => {
    if (s.record.type !== 'span') return true;
    const r = s.record;
    if (traces.has(r.traceId)) {
      spans.set(`${r.traceId}/${r.spanId}`, {
        cid: s.cid,
        name: r.name,
        operation: str(r.attributes?.[ATTR_GEN_AI_OPERATION_NAME]),
        parent: r.parentSpanId ?? null,
      });
    }
    return true;
  });
  for (const f of records.values()) {
    let parent = f.parentSpanId;
    const seen = new Set<string>();
    while (parent !== null && !seen.has(parent)) {
      seen.add(parent);
      const p = spans.get(`${f.summary.trace_id}/${parent}`);
      if (!p) break;
      f.summary.within.push({ record_cid: p.cid, name: p.name, operation: p.operation });
      parent = p.parent;
    }
  }
}

function recordLine(r: LineageRecord): string {
  const what = [r.provider, r.operation, r.model].filter((x) => x !== null).join(' ') || r.name;
  const extra = [r.status === 'error' ? 'error' : null, r.s3].filter((x) => x !== null);
  const within = r.within.length ? ` within ${r.within.map((w) => `"${w.name}"`).join(' < ')}` : '';
  return `record ${r.record_cid}  ${what}  ${r.time}${extra.length ? `  ${extra.join('  ')}` : ''}${within}`;
}

/** The lineage as a tree in words. */
export function formatLineage(l: Lineage): string[] {
  const lines: string[] = [l.cid];
  if (l.is.length === 0) {
    lines.push('  no record of this store holds this CID');
    return lines;
  }
  for (const x of l.is)
    lines.push(
      x.role === 'record'
        ? `  is record ${x.record_cid}`
        : `  is the ${x.attribute} ${x.role === x.attribute ? 'block' : `payload (${x.role})`} of record ${x.record_cid}`,
    );
  const tree = (label: string, children: string[][]): void => {
    lines.push(label);
    if (children.length === 0) lines.push('  (nothing recorded)');
    children.forEach((c, i) => lines.push(...indent(c, i === children.length - 1)));
  };
  const up = (n: UpstreamNode): string[] => [
    `produced by ${recordLine(n)}`,
    ...n.inputs.flatMap((inp, i) => indent(link(inp, inp.produced_by.map(up), 'produced by nothing recorded'), i === n.inputs.length - 1 && n.params === null)),
    ...(n.params !== null ? indent([`params ${n.params}`], true) : []),
  ];
  const down = (n: DownstreamNode): string[] => [
    `used by ${recordLine(n)}`,
    ...n.outputs.flatMap((out, i) => indent(link(out, out.used_by.map(down), null), i === n.outputs.length - 1)),
  ];
  const link = (lk: LineageLink, children: string[][], none: string | null): string[] => [
    `${lk.attribute} ${lk.cid}`,
    ...(children.length === 0 && none ? indent([none], true) : children.flatMap((c, i) => indent(c, i === children.length - 1))),
  ];
  tree(
    'upstream',
    l.upstream.map((n) => ('record_cid' in n ? up(n) : link(n, n.produced_by.map(up), 'produced by nothing recorded'))),
  );
  tree(
    'downstream',
    l.downstream.map((n) => ('record_cid' in n ? down(n) : link(n, n.used_by.map(down), null))),
  );
  return lines;
}

/** Tree drawing: the first line gets a branch, the rest continue the branch's column. */
function indent(block: string[], last: boolean): string[] {
  return block.map((line, i) => (i === 0 ? `${last ? '└─ ' : '├─ '}${line}` : `${last ? '   ' : '│  '}${line}`));
}
