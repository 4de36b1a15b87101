import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as dagJson from '@ipld/dag-json';
import { CID as MfCID } from 'multiformats/cid';
import { sha256 as mfSha256 } from 'multiformats/hashes/sha2';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import {
  ByteBatch,
  CID,
  Normaliser,
  SpanRecordBuilder,
  payloadTable,
  rawCid,
  sha256Text,
  wellFormed,
  type BlockInput,
  type RecordContext,
  type SpanLinks,
} from '@llm-provenance/cid-exporter';

// The span record writer writes canonical DAG-JSON bytes directly. Here a reference written from
// FORMAT.md section 3.1 builds the record as an object and lets @ipld/dag-json encode it, with
// multiformats computing every CID. Fed the same spans, both must give exactly the same line, the same
// blocks (CID -> bytes) and the same input / params / output links, or the same error.

const LOG = '20261126T154832Z-12345-1f2e3d4c';
const PREV = rawCid('previous record').toString();
const SEQ = 7;
const DAG_JSON = 0x0129;
const RAW = 0x55;

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
    'k\udc00',
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

const RESOURCES = [
  { attributes: { 'service.name': 'svc' } },
  { attributes: { 'service.name': 'odd', 'x/': NaN, '/': 1, deep: { b: [1, undefined] } } },
  { attributes: {} },
];
const SCOPES = [{ name: 'test-scope', version: '1.0.0' }, { name: 'test-scope' }, { name: 'é\ud800', version: '2', schemaUrl: 'https://x' }];

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
        instrumentationScope: SCOPES[s.resource],
        droppedAttributesCount: 0,
        droppedEventsCount: 0,
        droppedLinksCount: 0,
      }) as unknown as ReadableSpan,
  );

const PAYLOADS = payloadTable({ 'app.prompt': 'input' });

type Written = { line: string; blocks: Record<string, string>; links: string[] } | { error: string };

/** Ours: the builder writing into a record context that collects the blocks. */
function ours(builder: SpanRecordBuilder, s: ReadableSpan): Written {
  const blocks: Record<string, string> = {};
  const keep = (codec: number, bytes: Uint8Array) => {
    const cid = new CID(codec, sha256Text(bytes));
    blocks[cid.toString()] = Buffer.from(bytes).toString('base64');
    return cid;
  };
  // A block written in place starts at a random offset of a small buffer, so writes that grow it are exercised.
  let block: { codec: number; batch: ByteBatch; start: number } | undefined;
  const ctx: RecordContext = {
    log: LOG,
    logBytes: Buffer.from(JSON.stringify(LOG)),
    prev: CID.parse(PREV),
    seq: SEQ,
    putText: (codec: number, text: string) => keep(codec, Buffer.from(text, 'utf8')),
    put(b: BlockInput) {
      blocks[b.cid.toString()] = Buffer.from(b.bytes).toString('base64');
      return b.cid;
    },
    beginBlock(codec: number) {
      const batch = new ByteBatch(Buffer.alloc(16));
      batch.pos = 16 - Math.floor(Math.random() * 8);
      block = { codec, batch, start: batch.pos };
      return batch;
    },
    endBlock() {
      const b = block!;
      block = undefined;
      return keep(b.codec, b.batch.view(b.start));
    },
  };
  const links: SpanLinks = { input: null, params: null, output: null };
  const out = new ByteBatch(Buffer.alloc(32));
  out.pos = 5;
  try {
    builder.write(s, ctx, out, links);
    return { line: out.view(5).toString('utf8'), blocks, links: [links.input, links.params, links.output].map(String) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

const KINDS = ['INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];
const ns = ([sec, n]: [number, number]) => (BigInt(sec) * 1_000_000_000n + BigInt(n)).toString();

/** The reference: FORMAT.md 3.1 and 5 as an object, encoded by @ipld/dag-json, CIDs by multiformats. */
async function reference(s: ReadableSpan): Promise<Written> {
  const blocks: Record<string, string> = {};
  const put = async (code: number, bytes: Uint8Array) => {
    const cid = MfCID.create(1, code, await mfSha256.digest(bytes));
    blocks[cid.toString()] = Buffer.from(bytes).toString('base64');
    return cid;
  };
  const n = new Normaliser();
  const ctx = s.spanContext();
  const prefix = `span ${JSON.stringify(s.name)} (trace ${ctx.traceId}, span ${ctx.spanId}) cannot be stored: `;
  try {
    for (const [name, id] of [
      ['traceId', ctx.traceId],
      ['spanId', ctx.spanId],
    ] as const)
      if (typeof id !== 'string') throw new Error(`${name} is not a string (${typeof id})`);
    const flags = ctx.traceFlags ?? 0;
    const resNormaliser = new Normaliser();
    const resource = await put(DAG_JSON, dagJson.encode(resNormaliser.map(s.resource.attributes as Record<string, unknown>, 'resource')));
    const attrs = s.attributes as Record<string, unknown>;
    const isPayload = (k: string) => PAYLOADS.has(k);
    const attributesMap = n.map(attrs, 'attributes', isPayload);
    const maps: Record<string, Record<string, unknown>> = { input: {}, output: {} };
    for (const k of Object.keys(attrs).sort()) {
      const stored = wellFormed(k);
      if (!isPayload(k) || attrs[k] === undefined || stored === '/' || stored === '__proto__') continue;
      const v = attrs[k];
      const bytes = typeof v === 'string' ? Buffer.from(wellFormed(v), 'utf8') : dagJson.encode(n.value(v, 'attributes', k) ?? null);
      maps[PAYLOADS.get(k)!]![stored] = await put(RAW, bytes);
    }
    const params = Object.fromEntries(Object.entries(attributesMap).filter(([k]) => k.startsWith('gen_ai.request.')));
    const link = async (m: Record<string, unknown>) => (Object.keys(m).length === 0 ? null : await put(DAG_JSON, dagJson.encode(m)));
    const input = await link(maps.input!);
    const paramsLink = await link(params);
    const output = await link(maps.output!);
    const events = [];
    for (const [i, ev] of s.events.entries()) {
      const path = `events.${i}.attributes`;
      const evAttrs = ev.attributes as Record<string, unknown>;
      const map: Record<string, unknown> = n.map(evAttrs, path, isPayload);
      for (const k of Object.keys(evAttrs).sort()) {
        const stored = wellFormed(k);
        if (!isPayload(k) || evAttrs[k] === undefined || stored === '/' || stored === '__proto__') continue;
        const v = evAttrs[k];
        map[stored] = await put(RAW, typeof v === 'string' ? Buffer.from(wellFormed(v), 'utf8') : dagJson.encode(n.value(v, path, k) ?? null));
      }
      events.push({ attributes: map, name: wellFormed(String(ev.name)), time: ns(ev.time as [number, number]) });
    }
    const links = s.links.map((l, i) => ({
      attributes: n.map(l.attributes as Record<string, unknown>, `links.${i}.attributes`),
      spanId: l.context.spanId,
      traceId: l.context.traceId,
    }));
    const scope = s.instrumentationScope;
    const record = {
      v: 2,
      type: 'span',
      log: LOG,
      seq: SEQ,
      prev: MfCID.parse(PREV),
      traceId: wellFormed(ctx.traceId),
      spanId: wellFormed(ctx.spanId),
      parentSpanId: s.parentSpanContext ? wellFormed(s.parentSpanContext.spanId) : null,
      traceFlags: Number.isSafeInteger(flags) ? flags : (n.value(flags, '', 'traceFlags') ?? null),
      name: wellFormed(String(s.name)),
      kind: KINDS[s.kind] ?? 'INTERNAL',
      start: ns(s.startTime as [number, number]),
      end: ns(s.endTime as [number, number]),
      status: { code: STATUS[s.status.code] ?? 'UNSET', message: typeof s.status.message === 'string' ? wellFormed(s.status.message) : null },
      attributes: attributesMap,
      resource,
      scope: {
        name: wellFormed(scope.name),
        version: typeof scope.version === 'string' ? wellFormed(scope.version) : null,
        schemaUrl: typeof scope.schemaUrl === 'string' ? wellFormed(scope.schemaUrl) : null,
      },
      events,
      links,
      input,
      params: paramsLink,
      output,
      dropped: [...n.dropped, ...resNormaliser.dropped],
    };
    const line = Buffer.from(dagJson.encode(record)).toString('utf8');
    return { line, blocks, links: [input, paramsLink, output].map(String) };
  } catch (err) {
    return { error: prefix + (err as Error).message };
  }
}

describe('span records written as bytes', () => {
  it('are byte-identical to @ipld/dag-json on the record FORMAT.md describes, with the same blocks and links', async () => {
    let stored = 0;
    // One long-lived builder, as in an exporter: its caches (key plans, block memos, the resource and
    // scope parts) carry over from span to span; each span is written twice so the second write runs on
    // cached key plans and memos.
    const builder = new SpanRecordBuilder(PAYLOADS);
    await fc.assert(
      fc.asyncProperty(span, async (s) => {
        const expected = await reference(s);
        expect(ours(builder, s)).toEqual(expected);
        expect(ours(builder, s)).toEqual(expected);
        if ('line' in expected) stored++;
      }),
      { numRuns: 1500 },
    );
    // Most generated spans must be storable (the rest exercise the errors).
    expect(stored).toBeGreaterThan(1200);
  });

  it('rejects a circular attribute, naming the span and the path', () => {
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
    expect(ours(new SpanRecordBuilder(PAYLOADS), s)).toEqual({
      error: `span "n" (trace ${'a'.repeat(32)}, span ${'b'.repeat(16)}) cannot be stored: circular structure at attributes.x.self`,
    });
  });
});
