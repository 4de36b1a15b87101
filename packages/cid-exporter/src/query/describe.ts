/**
 * What `llm-provenance query` says about a record: the call in words (time, provider, model, who, tokens,
 * cost, status, duration, a one-line preview of the last input message and of the output), then its CIDs.
 * The same facts, and everything else the record holds, as JSON. Attribute names are the GenAI semantic
 * conventions' (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/) and ours
 * (packages/semantic-conventions).
 */
import {
  ATTR_ENDUSER_ID,
  ATTR_GEN_AI_USAGE_COST_AMOUNT,
  ATTR_GEN_AI_USAGE_COST_CURRENCY,
  ATTR_GEN_AI_USAGE_COST_SOURCE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_PROVENANCE_ROUTE_BACKEND,
  ATTR_PROVENANCE_TASK_ID,
  ATTR_PROVENANCE_WORKER_ID,
} from '@llm-provenance/semantic-conventions';
import type { QueryResult } from './query.js';

const INPUT_MESSAGES = 'gen_ai.input.messages';
const OUTPUT_MESSAGES = 'gen_ai.output.messages';
/** Characters of a preview before it is cut with "...". */
export const PREVIEW_LENGTH = 100;

/** One record as `query --json` prints it: the same words as the text, then everything the record holds. */
export interface QueryRecordView {
  time: string;
  provider: string | null;
  model: string | null;
  operation: string | null;
  user: string | null;
  task: string | null;
  worker: string | null;
  route: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  cost: { amount: number; currency: string | null; source: string | null } | null;
  status: 'ok' | 'error';
  statusMessage: string | null;
  durationMs: number;
  preview: { input: string | null; output: string | null };
  cids: { record: string; input: string | null; params: string | null; output: string | null };
  log: string;
  seq: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: string;
  start: string;
  end: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  scope: unknown;
  events: unknown;
  links: unknown;
  dropped: unknown;
  /** Payload attribute -> stored text, per block (null: the record has no such block). */
  content: { input: Record<string, string> | null; output: Record<string, string> | null };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const linkCid = (v: unknown): string | null =>
  v !== null && typeof v === 'object' && typeof (v as { '/': unknown })['/'] === 'string' ? (v as { '/': string })['/'] : null;
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
const cut = (text: string): string => (text.length > PREVIEW_LENGTH ? `${text.slice(0, PREVIEW_LENGTH - 3)}...` : text);

interface Part {
  type?: unknown;
  content?: unknown;
  name?: unknown;
}
interface Message {
  role?: unknown;
  parts?: unknown;
}

/** A part in words: its text, or `[type name]` for tool calls, blobs and the like. */
function partText(part: Part): string {
  if (typeof part?.content === 'string' && (part.type === 'text' || part.type === 'reasoning' || part.type === undefined)) return part.content;
  const name = typeof part?.name === 'string' ? ` ${part.name}` : '';
  return `[${typeof part?.type === 'string' ? part.type : 'part'}${name}]`;
}

/** `role: text` of one GenAI message (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-input-messages.json). */
function messageText(m: Message): string {
  const parts = Array.isArray(m?.parts) ? (m.parts as Part[]).map(partText).join(' ') : '';
  return typeof m?.role === 'string' ? `${m.role}: ${parts}` : parts;
}

function parseMessages(text: string | undefined): Message[] | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? (v as Message[]) : undefined;
  } catch {
    return undefined;
  }
}

/** One line: the last message of a messages payload, else the first payload's text; null when there is none. */
function preview(payloads: Record<string, string> | null | undefined, messagesAttr: string): string | null {
  if (!payloads) return null;
  const messages = parseMessages(payloads[messagesAttr]);
  if (messages && messages.length > 0) return cut(oneLine(messageText(messages[messages.length - 1]!)));
  const first = payloads[messagesAttr] ?? Object.values(payloads)[0];
  return first === undefined ? null : cut(oneLine(first));
}

/** The record's facts for `query`; `r` must come from query() with `{ payloads: true }`. */
export function describeResult(r: QueryResult): QueryRecordView {
  const rec = r.record as unknown as Record<string, unknown>;
  const a = r.record.attributes ?? {};
  const amount = num(a[ATTR_GEN_AI_USAGE_COST_AMOUNT]);
  return {
    time: r.time,
    provider: r.provider,
    model: r.model,
    operation: r.operation,
    user: str(a[ATTR_ENDUSER_ID]),
    task: str(a[ATTR_PROVENANCE_TASK_ID]),
    worker: str(a[ATTR_PROVENANCE_WORKER_ID]),
    route: str(a[ATTR_PROVENANCE_ROUTE_BACKEND]),
    inputTokens: num(a[ATTR_GEN_AI_USAGE_INPUT_TOKENS]),
    outputTokens: num(a[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]),
    cost: amount === null ? null : { amount, currency: str(a[ATTR_GEN_AI_USAGE_COST_CURRENCY]), source: str(a[ATTR_GEN_AI_USAGE_COST_SOURCE]) },
    status: r.status,
    statusMessage: r.statusMessage,
    durationMs: Number(BigInt(r.end) - BigInt(r.start)) / 1e6,
    preview: { input: preview(r.payloads?.input, INPUT_MESSAGES), output: preview(r.payloads?.output, OUTPUT_MESSAGES) },
    cids: { record: r.cid, input: r.inputCid, params: linkCid(rec.params), output: r.outputCid },
    log: r.log,
    seq: r.seq,
    traceId: r.traceId,
    spanId: r.spanId,
    parentSpanId: r.record.parentSpanId ?? null,
    name: r.name,
    kind: String(rec.kind),
    start: r.start,
    end: r.end,
    attributes: a,
    resource: r.resource,
    scope: rec.scope,
    events: rec.events,
    links: rec.links,
    dropped: rec.dropped,
    content: { input: r.payloads?.input ?? null, output: r.payloads?.output ?? null },
  };
}

function formatDuration(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function formatCost(cost: QueryRecordView['cost']): string {
  if (!cost) return '-';
  const amount = cost.currency === 'USD' ? `$${cost.amount.toFixed(8)}` : `${cost.amount.toFixed(8)}${cost.currency ? ` ${cost.currency}` : ''}`;
  return cost.source ? `${amount} (${cost.source})` : amount;
}

const row = (label: string, value: string): string => `  ${label.padEnd(11)} ${value}`;

/** Full texts of a block's payloads, indented: messages one per line as `role: text`, anything else as stored. */
function contentLines(direction: string, payloads: Record<string, string> | null): string[] {
  if (!payloads) return [];
  const out: string[] = [];
  for (const [name, text] of Object.entries(payloads)) {
    out.push(`  ${direction} ${name}:`);
    const messages = name.endsWith('.messages') ? parseMessages(text) : undefined;
    const body = messages ? messages.map(messageText) : [text];
    for (const line of body.join('\n').split('\n')) out.push(`    ${line}`);
  }
  return out;
}

/** The record in words, one fact per line; with `content`, the full texts of its payloads follow. */
export function formatRecordView(v: QueryRecordView, options: { content?: boolean } = {}): string[] {
  const status = v.status === 'error' && v.statusMessage ? `error (${v.statusMessage})` : v.status;
  const lines = [[v.time, v.provider ?? '-', v.model ?? '-', v.operation ?? '-', status, formatDuration(v.durationMs)].join('  ')];
  const who = (
    [
      ['user', v.user],
      ['task', v.task],
      ['worker', v.worker],
      ['route', v.route],
    ] as const
  )
    .filter(([, value]) => value !== null)
    .map(([k, value]) => `${k} ${value}`);
  if (who.length) lines.push(row('who', who.join(', ')));
  lines.push(row('tokens', `${v.inputTokens ?? '-'} in, ${v.outputTokens ?? '-'} out`));
  lines.push(row('cost', formatCost(v.cost)));
  lines.push(row('last input', v.preview.input ?? '-'));
  lines.push(row('output', v.preview.output ?? '-'));
  if (options.content) lines.push(...contentLines('input', v.content.input), ...contentLines('output', v.content.output));
  lines.push(row('record', v.cids.record));
  lines.push(row('input cid', v.cids.input ?? '-'));
  lines.push(row('output cid', v.cids.output ?? '-'));
  lines.push(row('log', `${v.log} seq ${v.seq}`));
  return lines;
}

/** The closing line: how many records matched, and how many are shown when --limit cut them. */
export function formatMatchCount(matched: number, shown: number): string {
  const n = `${matched} ${matched === 1 ? 'record matches' : 'records match'}`;
  return shown < matched ? `${n}; the newest ${shown} shown` : n;
}
