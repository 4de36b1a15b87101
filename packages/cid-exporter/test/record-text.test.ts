import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagJson from '@ipld/dag-json';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { SpanRecordBuilder, encodeDagJson, payloadTable, rawCid, renderRecordText, type BlockInput, type PreEncodedDraft, type RecordDraft } from '@llm-provenance/cid-exporter';

// The default (no custom encoder) builder writes span records straight to canonical text; a builder
// given an encoder builds the record object and lets that encoder write it. Fed the same spans, the
// first must produce exactly the bytes, blocks and block order that @ipld/dag-json makes of the second.

const LOG = '20261126T154832Z-12345-1f2e3d4c';
const PREV = rawCid('previous record');

const str = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', '"', '\\', '\u2028', '\u007f', '\u0000\u001f', '\ud83d\ude00', '\ud800', 'x\udc00y', 'é', 'chat gpt-4o-mini'),
);
const leaf = fc.oneof(
  str,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(undefined, null, -0, 2 ** 60, Number.MAX_SAFE_INTEGER + 2, NaN, Infinity, 0.7, 10n, 2n ** 70n, new Date(0), new Date(NaN), () => 1),
  fc.uint8Array({ maxLength: 8 }),
);
const key = fc.oneof(
  fc.constantFrom(
    'gen_ai.input.messages',
    'gen_ai.system_instructions',
    'gen_ai.tool.definitions',
    'gen_ai.output.messages',
    'gen_ai.tool.call.result',
    'gen_ai.request.model',
    'gen_ai.request.temperature',
    'gen_ai.request.max_tokens',
    'gen_ai.request.stop_sequences',
    'gen_ai.usage.input_tokens',
    'app.prompt',
    'a',
    'B',
    '/',
    '__proto__',
    'k\ud800',
    '\ud83d\ude00',
  ),
  str,
);
const value = fc.letrec((tie) => ({
  leaf,
  node: fc.oneof({ depthSize: 'small' }, tie('leaf'), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 4 })),
})).node;
const attributes = fc.dictionary(key, value, { maxKeys: 14 });
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const hrTime = fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.integer({ min: 0, max: 999_999_999 }));

const span = fc
  .record({
    name: str,
    kind: fc.integer({ min: 0, max: 5 }),
    traceId: fc.oneof({ weight: 9, arbitrary: hex(32) }, { weight: 1, arbitrary: fc.constantFrom(undefined, 5) }),
    spanId: hex(16),
    traceFlags: fc.constantFrom(0, 1, undefined, 1.5),
    parent: fc.option(hex(16)),
    start: hrTime,
    end: hrTime,
    status: fc.record({ code: fc.integer({ min: 0, max: 3 }), message: fc.option(str, { nil: undefined }) }),
    attributes,
    events: fc.array(fc.record({ name: str, time: hrTime, attributes }), { maxLength: 2 }),
    links: fc.array(fc.record({ traceId: hex(32), spanId: hex(16), attributes }), { maxLength: 2 }),
    resource: fc.constantFrom(0, 1, 2),
  })
  .map(
    (s) =>
      ({
        name: s.name,
        kind: s.kind,
        spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: s.traceFlags }),
        parentSpanContext: s.parent === null ? undefined : { traceId: s.traceId, spanId: s.parent, traceFlags: 1 },
        startTime: s.start,
        endTime: s.end,
        status: s.status,
        attributes: s.attributes,
        events: s.events,
        links: s.links.map((l) => ({ context: { traceId: l.traceId, spanId: l.spanId, traceFlags: 1 }, attributes: l.attributes })),
        duration: [0, 1],
        ended: true,
        resource: RESOURCES[s.resource],
        instrumentationScope: { name: 'test-scope', version: s.resource === 1 ? undefined : '1.0.0' },
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
      }) as unknown as ReadableSpan,
  );

const RESOURCES = [
  { attributes: { 'service.name': 'svc' } },
  { attributes: { 'service.name': 'odd', 'x/': NaN, '/': 1, deep: { b: [1, undefined] } } },
  { attributes: {} },
];

const payloads = { 'app.prompt': 'input' } as const;
const viaText = () => new SpanRecordBuilder(payloadTable(payloads));
const viaIpld = () => new SpanRecordBuilder(payloadTable(payloads), (v) => dagJson.encode(v));

function outcome(builder: SpanRecordBuilder, s: ReadableSpan) {
  try {
    return { ok: builder.build(s) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const blockList = (blocks: BlockInput[]) => blocks.map((b) => [b.cid.toString(), Buffer.from(b.bytes).toString('base64')]);

/**
 * The record line a store writes for a draft at seq 7 after PREV in LOG, or "unencodable" when the store
 * would reject it: `encode` is the store's record encoder (ours by default, @ipld/dag-json for viaIpld).
 */
function line(draft: RecordDraft | PreEncodedDraft, encode: (v: unknown) => Uint8Array): string {
  if ('text' in draft) return renderRecordText(draft.text, LOG, PREV, 7);
  const fields = { ...draft.fields, log: LOG, prev: PREV, seq: 7, v: 1 };
  try {
    return Buffer.from(encode(fields)).toString('utf8');
  } catch {
    return 'unencodable';
  }
}
const ours = (v: unknown) => encodeDagJson(v);
const ipld = (v: unknown) => dagJson.encode(v);

describe('span records written as text', () => {
  it('are byte-identical to @ipld/dag-json on the record object, with the same blocks in the same order', () => {
    let textPath = 0;
    let errors = 0;
    // One long-lived builder per path, as in an exporter: its caches (key plans, block memos) carry over
    // from span to span; each span is built twice so the second build runs on cached key plans.
    const text = viaText();
    const ipldBuilder = viaIpld();
    fc.assert(
      fc.property(span, (s) => {
        const first = outcome(text, s);
        const a = outcome(text, s);
        const b = outcome(ipldBuilder, s);
        expect(first.error).toBe(b.error);
        if (first.ok && a.ok) expect(line(first.ok.draft, ours)).toBe(line(a.ok.draft, ours));
        expect(a.error).toBe(b.error);
        if (!a.ok || !b.ok) {
          errors++;
          return;
        }
        if ('text' in a.ok.draft) textPath++;
        expect(line(a.ok.draft, ours)).toBe(line(b.ok.draft, ipld));
        expect(blockList(a.ok.draft.blocks)).toEqual(blockList(b.ok.draft.blocks));
        expect([a.ok.input, a.ok.params, a.ok.output].map(String)).toEqual([b.ok.input, b.ok.params, b.ok.output].map(String));
      }),
      { numRuns: 1500 },
    );
    // Most generated spans must take the text path (the rest exercise the fallback and the errors).
    expect(textPath).toBeGreaterThan(300);
    expect(errors).toBeLessThan(300);
  });

  it('is the path ordinary GenAI spans take', () => {
    const s = {
      name: 'chat gpt-4o-mini',
      kind: 2,
      spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
      startTime: [1764172112, 5],
      endTime: [1764172113, 6],
      status: { code: 0 },
      attributes: { 'gen_ai.request.model': 'm', 'gen_ai.input.messages': '[]', 'gen_ai.usage.input_tokens': 3 },
      events: [],
      links: [],
      resource: RESOURCES[0],
      instrumentationScope: { name: 'x' },
    } as unknown as ReadableSpan;
    const draft = viaText().build(s).draft;
    expect('text' in draft).toBe(true);
    expect(line(draft, ours)).toBe(line(viaIpld().build(s).draft, ipld));
  });

  it('rejects a circular attribute with the same error as the generic path', () => {
    const loop: Record<string, unknown> = { a: 1 };
    loop['self'] = loop;
    const s = {
      name: 'n',
      kind: 0,
      spanContext: () => ({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 }),
      startTime: [1, 0],
      endTime: [1, 0],
      status: { code: 0 },
      attributes: { x: loop },
      events: [],
      links: [],
      resource: RESOURCES[0],
      instrumentationScope: { name: 'x' },
    } as unknown as ReadableSpan;
    const a = outcome(viaText(), s);
    expect(a.error).toMatch(/cannot be stored: circular structure at attributes\.x\.self/);
    expect(a.error).toBe(outcome(viaIpld(), s).error);
  });
});
