import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { CidSpanExporter, scanPack } from '@llm-provenance/cid-exporter';
import { logFiles, mfCid, readAllBlocks, readLines, tmpStoreDir } from './store-helpers.js';

const RAW = 0x55;
const DAG_JSON = 0x0129;
const enc = (s: string) => Buffer.from(s, 'utf8');

const INPUT = '[{"role":"user","parts":[{"type":"text","content":"Hello"}]}]';
const SYSTEM = '[{"type":"text","content":"Be brief."}]';
const OUTPUT = '[{"role":"assistant","parts":[{"type":"text","content":"Hi!"}],"finish_reason":"stop"}]';

/** A finished span as any instrumentation could hand it to an exporter (fixed ids and times). */
function makeSpan(
  over: { attributes?: Attributes; name?: string; spanId?: string; events?: ReadableSpan['events']; status?: ReadableSpan['status'] } = {},
): ReadableSpan {
  const spanId = over.spanId ?? 'b7ad6b7169203331';
  return {
    name: over.name ?? 'chat gpt-4o-mini',
    kind: SpanKind.CLIENT,
    spanContext: () => ({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId, traceFlags: 1 }),
    parentSpanContext: undefined,
    startTime: [1764172112, 345678901],
    endTime: [1764172113, 5],
    status: over.status ?? { code: SpanStatusCode.OK },
    attributes: over.attributes ?? {},
    links: [],
    events: over.events ?? [],
    duration: [0, 654321104],
    ended: true,
    resource: { attributes: { 'service.name': 'svc' } } as unknown as ReadableSpan['resource'],
    instrumentationScope: { name: '@llm-provenance/instrumentation-openai', version: '0.1.0' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

const chatAttributes: Attributes = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o-mini',
  'gen_ai.request.temperature': 0.2,
  'gen_ai.request.max_tokens': 0,
  'gen_ai.usage.input_tokens': 7,
  'gen_ai.input.messages': INPUT,
  'gen_ai.system_instructions': SYSTEM,
  'gen_ai.output.messages': OUTPUT,
};

function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

const exporters: CidSpanExporter[] = [];
afterEach(async () => {
  for (const e of exporters.splice(0)) await e.shutdown();
});

function newExporter(label: string, options: ConstructorParameters<typeof CidSpanExporter>[0] = {}) {
  const dir = tmpStoreDir(label);
  const memory = new InMemorySpanExporter();
  const exporter = new CidSpanExporter({ dir, forwardTo: [memory], checkpointIntervalMs: 0, ...options });
  exporters.push(exporter);
  return { dir, memory, exporter };
}

describe('CidSpanExporter', () => {
  it('writes the exact DAG-JSON record line, payload blocks and forwards the same CIDs', async () => {
    const { dir, memory, exporter } = newExporter('exact');
    const result = await exportSpans(exporter, [makeSpan({ attributes: chatAttributes })]);
    expect(result).toEqual({ code: ExportResultCode.SUCCESS });

    const inputMsg = await mfCid(RAW, enc(INPUT));
    const system = await mfCid(RAW, enc(SYSTEM));
    const outputMsg = await mfCid(RAW, enc(OUTPUT));
    const inputBlock = `{"gen_ai.input.messages":{"/":"${inputMsg}"},"gen_ai.system_instructions":{"/":"${system}"}}`;
    const paramsBlock = '{"gen_ai.request.max_tokens":0,"gen_ai.request.model":"gpt-4o-mini","gen_ai.request.temperature":0.2}';
    const outputBlock = `{"gen_ai.output.messages":{"/":"${outputMsg}"}}`;
    const resourceBlock = '{"service.name":"svc"}';
    const input = await mfCid(DAG_JSON, enc(inputBlock));
    const params = await mfCid(DAG_JSON, enc(paramsBlock));
    const output = await mfCid(DAG_JSON, enc(outputBlock));
    const resource = await mfCid(DAG_JSON, enc(resourceBlock));
    const log = exporter.store.logId;

    const lines = readLines(dir, log);
    expect(lines.length).toBe(1);
    expect(lines[0]!.toString('utf8')).toBe(
      '{"attributes":{"gen_ai.operation.name":"chat","gen_ai.provider.name":"openai","gen_ai.request.max_tokens":0,' +
        '"gen_ai.request.model":"gpt-4o-mini","gen_ai.request.temperature":0.2,"gen_ai.usage.input_tokens":7},' +
        `"dropped":[],"end":"1764172113000000005","events":[],"input":{"/":"${input}"},"kind":"CLIENT","links":[],` +
        `"log":"${log}","name":"chat gpt-4o-mini","output":{"/":"${output}"},"params":{"/":"${params}"},` +
        `"parentSpanId":null,"prev":null,"resource":{"/":"${resource}"},` +
        '"scope":{"name":"@llm-provenance/instrumentation-openai","schemaUrl":null,"version":"0.1.0"},"seq":0,' +
        '"spanId":"b7ad6b7169203331","start":"1764172112345678901","status":{"code":"OK","message":null},' +
        '"traceFlags":1,"traceId":"0af7651916cd43dd8448eb211c80319c","type":"span","v":2}',
    );
    const recordCid = await mfCid(DAG_JSON, lines[0]!);

    const blocks = await readAllBlocks(dir);
    expect(Object.fromEntries([...blocks].map(([k, v]) => [k, v.toString('utf8')]))).toEqual({
      [inputMsg]: INPUT,
      [system]: SYSTEM,
      [outputMsg]: OUTPUT,
      [input]: inputBlock,
      [params]: paramsBlock,
      [output]: outputBlock,
      [resource]: resourceBlock,
    });

    const forwarded = memory.getFinishedSpans();
    expect(forwarded.length).toBe(1);
    expect(forwarded[0]!.attributes).toEqual({
      ...chatAttributes,
      'provenance.record.cid': recordCid,
      'provenance.input.cid': input,
      'provenance.output.cid': output,
      'provenance.log.id': log,
      'provenance.log.seq': 0,
    });
    expect(forwarded[0]!.spanContext().spanId).toBe('b7ad6b7169203331');
    expect(forwarded[0]!.name).toBe('chat gpt-4o-mini');
  });

  it('chains records and stores identical payloads once', async () => {
    const { dir, memory, exporter } = newExporter('chain');
    const second = { ...chatAttributes, 'gen_ai.output.messages': '[]' };
    expect((await exportSpans(exporter, [makeSpan({ attributes: chatAttributes })])).code).toBe(ExportResultCode.SUCCESS);
    expect(
      (
        await exportSpans(exporter, [
          makeSpan({ attributes: second, spanId: '00f067aa0ba902b7' }),
          makeSpan({ attributes: chatAttributes, spanId: '1111111111111111' }),
        ])
      ).code,
    ).toBe(ExportResultCode.SUCCESS);

    const lines = readLines(dir, exporter.store.logId);
    expect(lines.length).toBe(3);
    const cids = await Promise.all(lines.map((l) => mfCid(DAG_JSON, l)));
    const records = lines.map((l) => JSON.parse(l.toString('utf8')));
    expect(records.map((r) => [r.seq, r.prev])).toEqual([
      [0, null],
      [1, { '/': cids[0] }],
      [2, { '/': cids[1] }],
    ]);
    // Same input and params across all three; spans 1 and 3 are identical in content.
    expect(new Set(records.map((r) => r.input['/'])).size).toBe(1);
    expect(records[0].output).toEqual(records[2].output);
    expect(records[1].output).not.toEqual(records[0].output);

    const pack = fs.readFileSync(path.join(dir, 'blocks', `${exporter.store.logId}.blocks`));
    const sections = scanPack(pack).sections.map((s) => s.cid.toString());
    // The resource block, 3 raw (input, system, output) + input + params + output blocks for span 1; span 2
    // adds raw "[]" and its output block. All three records link the one resource block.
    expect(sections.length).toBe(9);
    expect(new Set(sections).size).toBe(9);
    expect(new Set(records.map((r) => r.resource['/'])).size).toBe(1);
    expect(sections[0]).toBe(records[0].resource['/']);

    expect(memory.getFinishedSpans().map((s) => [s.attributes['provenance.log.seq'], s.attributes['provenance.record.cid']])).toEqual([
      [0, cids[0]],
      [1, cids[1]],
      [2, cids[2]],
    ]);
  });

  it('records spans from a real tracer provider, GenAI or not, and forwards exactly the stored CIDs', async () => {
    const { dir, memory, exporter } = newExporter('provider');
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const tracer = provider.getTracer('manual-test', '2.0.0');
    const parent = tracer.startSpan('GET /answer', { kind: SpanKind.SERVER, attributes: { 'http.route': '/answer' } });
    parent.end();
    const llm = tracer.startSpan('chat llama3', {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': 'ollama',
        'gen_ai.request.model': 'llama3',
        'gen_ai.input.messages': INPUT,
        'gen_ai.output.messages': OUTPUT,
      },
    });
    llm.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    llm.end();
    await exporter.forceFlush();

    const lines = readLines(dir, exporter.store.logId);
    const records = lines.map((l) => JSON.parse(l.toString('utf8')));
    expect(records.map((r) => [r.name, r.kind, r.input === null, r.params === null, r.output === null])).toEqual([
      ['GET /answer', 'SERVER', true, true, true],
      ['chat llama3', 'CLIENT', false, false, false],
    ]);
    expect(records[1].status).toEqual({ code: 'ERROR', message: 'boom' });
    expect(records[1].scope).toEqual({ name: 'manual-test', version: '2.0.0', schemaUrl: null });
    expect(records[1].attributes).toEqual({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'ollama', 'gen_ai.request.model': 'llama3' });

    const spans = memory.getFinishedSpans();
    expect(spans[0]!.attributes).toEqual({
      'http.route': '/answer',
      'provenance.record.cid': await mfCid(DAG_JSON, lines[0]!),
      'provenance.log.id': exporter.store.logId,
      'provenance.log.seq': 0,
    });
    expect(spans[1]!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'ollama',
      'gen_ai.request.model': 'llama3',
      'gen_ai.input.messages': INPUT,
      'gen_ai.output.messages': OUTPUT,
      'provenance.record.cid': await mfCid(DAG_JSON, lines[1]!),
      'provenance.input.cid': records[1].input['/'],
      'provenance.output.cid': records[1].output['/'],
      'provenance.log.id': exporter.store.logId,
      'provenance.log.seq': 1,
    });
    // The input CID really is the block in the store.
    const blocks = await readAllBlocks(dir);
    expect(blocks.get(records[1].input['/'])!.toString()).toBe(`{"gen_ai.input.messages":{"/":"${await mfCid(RAW, enc(INPUT))}"}}`);
    await provider.shutdown();
  });

  it('strips content from forwarded spans when forwardContent is false but keeps it in the store', async () => {
    const { dir, memory, exporter } = newExporter('strip', { forwardContent: false });
    const events = [{ name: 'gen_ai.choice', time: [1764172112, 9] as [number, number], attributes: { 'gen_ai.output.messages': OUTPUT, index: 0 } }];
    await exportSpans(exporter, [makeSpan({ attributes: chatAttributes, events })]);
    const [line] = readLines(dir, exporter.store.logId);
    const record = JSON.parse(line!.toString());
    const span = memory.getFinishedSpans()[0]!;
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.max_tokens': 0,
      'gen_ai.usage.input_tokens': 7,
      'provenance.record.cid': await mfCid(DAG_JSON, line!),
      'provenance.input.cid': record.input['/'],
      'provenance.output.cid': record.output['/'],
      'provenance.log.id': exporter.store.logId,
      'provenance.log.seq': 0,
    });
    expect(span.events).toEqual([{ name: 'gen_ai.choice', time: [1764172112, 9], attributes: { index: 0 } }]);
    // In the record the event's content is a link to the same raw block as the span's output messages.
    expect(record.events).toEqual([
      { name: 'gen_ai.choice', time: '1764172112000000009', attributes: { index: 0, 'gen_ai.output.messages': { '/': await mfCid(RAW, enc(OUTPUT)) } } },
    ]);
    const blocks = await readAllBlocks(dir);
    expect(blocks.get(await mfCid(RAW, enc(OUTPUT)))!.toString()).toBe(OUTPUT);
  });

  it('forwards every span of a key order with its own attributes in order, then provenance.*, as a spread would', async () => {
    for (const forwardContent of [true, false]) {
      const { dir, memory, exporter } = newExporter(`order-${forwardContent}`, { forwardContent });
      // Three spans of one key order (the second without output), one of another order that already has a provenance.* key.
      const own = { 'app.step': 'retrieve', 'provenance.log.seq': 'theirs', 'gen_ai.input.messages': INPUT };
      const withoutOutput = { ...chatAttributes, 'gen_ai.output.messages': undefined };
      const spans = [chatAttributes, withoutOutput, chatAttributes, own].map((attributes, i) => makeSpan({ attributes, spanId: `b7ad6b716920333${i}` }));
      await exportSpans(exporter, spans);
      const lines = readLines(dir, exporter.store.logId);
      const forwarded = memory.getFinishedSpans();
      expect(forwarded).toHaveLength(4);
      for (let i = 0; i < 4; i++) {
        const record = JSON.parse(lines[i]!.toString());
        const base = Object.fromEntries(
          Object.entries(spans[i]!.attributes).filter(
            ([k]) =>
              forwardContent ||
              (!k.startsWith('gen_ai.input.') && !k.startsWith('gen_ai.output.') && k !== 'gen_ai.system_instructions' && k !== 'gen_ai.tool.definitions'),
          ),
        );
        const expected: Attributes = {
          ...base,
          'provenance.record.cid': await mfCid(DAG_JSON, lines[i]!),
          ...(record.input ? { 'provenance.input.cid': record.input['/'] } : {}),
          ...(record.output ? { 'provenance.output.cid': record.output['/'] } : {}),
          'provenance.log.id': exporter.store.logId,
          'provenance.log.seq': i,
        };
        // Same keys in the same order with the same values (toEqual alone would not see the order).
        expect(Object.entries(forwarded[i]!.attributes)).toEqual(Object.entries(expected));
      }
    }
  });

  it('treats attributes marked by the user as payloads', async () => {
    const { dir, memory, exporter } = newExporter('marked', { payloadAttributes: { 'app.prompt': 'input', 'app.answer': 'output' } });
    await exportSpans(exporter, [makeSpan({ name: 'rag step', attributes: { 'app.prompt': 'What is 2+2?', 'app.answer': 4, 'app.step': 'retrieve' } })]);
    const [line] = readLines(dir, exporter.store.logId);
    const record = JSON.parse(line!.toString());
    expect(record.attributes).toEqual({ 'app.step': 'retrieve' });
    const blocks = await readAllBlocks(dir);
    expect(blocks.get(record.input['/'])!.toString()).toBe(`{"app.prompt":{"/":"${await mfCid(RAW, enc('What is 2+2?'))}"}}`);
    // A non-string payload is stored as its DAG-JSON encoding.
    expect(blocks.get(record.output['/'])!.toString()).toBe(`{"app.answer":{"/":"${await mfCid(RAW, enc('4'))}"}}`);
    expect(blocks.get(await mfCid(RAW, enc('4')))!.toString()).toBe('4');
    expect(memory.getFinishedSpans()[0]!.attributes['provenance.input.cid']).toBe(record.input['/']);
  });

  it('normalises values DAG-JSON cannot carry and lists dropped keys', async () => {
    const { dir, exporter } = newExporter('normalise');
    const attributes: Record<string, unknown> = {
      nan: NaN,
      inf: Infinity,
      ninf: -Infinity,
      negzero: -0,
      big: 2 ** 60,
      bigint: 12345678901234567890n,
      smallbigint: 42n,
      lone: 'a\ud800b',
      ['k\udc00']: 1,
      undef: undefined,
      arr: [1, undefined, NaN],
      '/': 'slash',
      fn: () => 1,
      when: new Date(Date.UTC(2026, 0, 2)),
      raw: new Uint8Array([1, 2, 3]),
    };
    Object.defineProperty(attributes, '__proto__', { value: 'proto', enumerable: true });
    const result = await exportSpans(exporter, [makeSpan({ name: 'odd\udfff', attributes: attributes as Attributes })]);
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    const [line] = readLines(dir, exporter.store.logId);
    const record = JSON.parse(line!.toString('utf8'));
    expect(record.name).toBe('odd\ufffd');
    expect(record.attributes).toEqual({
      nan: 'NaN',
      inf: 'Infinity',
      ninf: '-Infinity',
      negzero: 0,
      big: '1152921504606846976',
      bigint: '12345678901234567890',
      smallbigint: 42,
      lone: 'a\ufffdb',
      'k\ufffd': 1,
      arr: [1, null, 'NaN'],
      when: '2026-01-02T00:00:00.000Z',
      raw: { '/': { bytes: 'AQID' } },
    });
    expect(record.dropped).toEqual(['attributes./', 'attributes.__proto__', 'attributes.fn', 'attributes.undef']);
    expect(line!.includes('"negzero":0,')).toBe(true);
  });

  it('reports FAILED for a batch with an unstorable span, stores the others, and never throws', async () => {
    const { dir, memory, exporter } = newExporter('failed');
    const circular: Record<string, unknown> = { a: 1 };
    circular['self'] = circular;
    const hostile = makeSpan({ name: 'hostile', spanId: '2222222222222222' });
    Object.defineProperty(hostile, 'attributes', {
      get: () => {
        throw new Error('attribute getter exploded');
      },
    });
    const spans = [
      makeSpan({ name: 'first', spanId: '1111111111111111' }),
      makeSpan({ name: 'circular', spanId: '3333333333333333', attributes: { loop: circular as unknown as string } }),
      hostile,
      makeSpan({ name: 'last', spanId: '4444444444444444' }),
    ];
    let result: ExportResult | undefined;
    expect(() => exporter.export(spans, (r) => (result = r))).not.toThrow();
    await exporter.forceFlush();
    expect(result!.code).toBe(ExportResultCode.FAILED);
    expect(result!.error!.message).toBe(
      '2 problems exporting 4 spans: span "circular" (trace 0af7651916cd43dd8448eb211c80319c, span 3333333333333333) cannot be stored: circular structure at attributes.loop.self; ' +
        'span "hostile" (trace 0af7651916cd43dd8448eb211c80319c, span 2222222222222222) cannot be stored: attribute getter exploded',
    );
    const records = readLines(dir, exporter.store.logId).map((l) => JSON.parse(l.toString()));
    expect(records.map((r) => [r.seq, r.name])).toEqual([
      [0, 'first'],
      [1, 'last'],
    ]);
    // Every readable span is still forwarded; only stored ones carry provenance attributes.
    expect(memory.getFinishedSpans().map((s) => [s.name, s.attributes['provenance.log.seq']])).toEqual([
      ['first', 0],
      ['circular', undefined],
      ['last', 1],
    ]);
    // The next export works normally and continues the chain.
    expect((await exportSpans(exporter, [makeSpan({ name: 'after' })])).code).toBe(ExportResultCode.SUCCESS);
    expect(readLines(dir, exporter.store.logId).length).toBe(3);
  });

  it('reports FAILED when a forward target fails, after the record is stored', async () => {
    const dir = tmpStoreDir('fwdfail');
    const failing: SpanExporter = { export: (_s, cb) => cb({ code: ExportResultCode.FAILED, error: new Error('collector down') }), shutdown: async () => {} };
    const exporter = new CidSpanExporter({ dir, forwardTo: [failing], checkpointIntervalMs: 0 });
    exporters.push(exporter);
    const result = await exportSpans(exporter, [makeSpan()]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error!.message).toBe('forwarding to exporter #0 failed: collector down');
    expect(readLines(dir, exporter.store.logId).length).toBe(1);
  });

  it('opens the store named by LLM_PROVENANCE_DIR when no dir is given', async () => {
    const dir = tmpStoreDir('envdir');
    const saved = process.env['LLM_PROVENANCE_DIR'];
    process.env['LLM_PROVENANCE_DIR'] = dir;
    try {
      const exporter = new CidSpanExporter({ checkpointIntervalMs: 0 });
      exporters.push(exporter);
      expect(exporter.store.dir).toBe(dir);
      expect((await exportSpans(exporter, [makeSpan()])).code).toBe(ExportResultCode.SUCCESS);
      expect(readLines(dir, exporter.store.logId).length).toBe(1);
    } finally {
      if (saved === undefined) delete process.env['LLM_PROVENANCE_DIR'];
      else process.env['LLM_PROVENANCE_DIR'] = saved;
    }
  });

  it('reports FAILED after shutdown instead of writing', async () => {
    const { dir, exporter } = newExporter('shut');
    await exporter.shutdown();
    const result = await exportSpans(exporter, [makeSpan()]);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error!.message).toBe('CidSpanExporter is shut down');
    expect(logFiles(dir).map((f) => readLines(dir, f.replace('.jsonl', '')).length)).toEqual([0]);
  });
});
