import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  countWords,
  embeddingFor,
  float32Base64,
  sampleFromSchema,
  splitWords,
  startEmulator,
  truncateWords,
  type Emulator,
  type ProviderModule,
} from '@llm-provenance/provider-emulators';

/**
 * A provider module written the way the README tells new providers to be written, so the core's
 * contract (route table, params, ownership, headers, auth, scenarios, stream writers) is tested
 * independently of any real provider.
 */
const acme: ProviderModule = {
  name: 'acme',
  routes: [
    {
      method: 'POST',
      path: '/acme/models/{model}:generate',
      async handle(ctx) {
        if (ctx.body.stream) {
          const out = ctx.ndjson();
          for (const word of splitWords(`hi ${ctx.params.model}`)) await out.send({ word });
          await out.send({ done: true, scenario: ctx.scenario?.kind ?? null });
          out.end();
          return;
        }
        ctx.json(200, { n: ctx.n, model: ctx.params.model, query: ctx.query, scenario: ctx.scenario ?? null });
      },
    },
    {
      method: 'GET',
      path: '/acme/events',
      async handle(ctx) {
        const sse = ctx.sse();
        await sse.send({ a: 1 }, 'first');
        await sse.sendRaw('line1\nline2');
        await sse.comment('ping');
        sse.end();
      },
    },
    {
      method: 'GET',
      path: '/acme/crash',
      handle() {
        throw new Error('handler bug');
      },
    },
  ],
  owns: ({ path }) => path.startsWith('/acme/'),
  headers: ({ n }) => ({ 'acme-request-id': `acme_${n}` }),
  authenticate: (ctx) => (ctx.headers['x-acme-key'] ? undefined : { status: 401, message: 'no key' }),
  sendError: (ctx, spec) =>
    ctx.json(
      spec.status,
      { acme_error: spec.message ?? 'error', code: spec.code ?? null },
      spec.retryAfter !== undefined ? { 'retry-after': String(spec.retryAfter) } : {},
    ),
};

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ providers: [acme] });
});
afterAll(() => emu.close());
beforeEach(() => emu.reset());

const key = { 'x-acme-key': 'k', 'content-type': 'application/json' };
const post = (path: string, body: string, headers: Record<string, string> = key) => fetch(`${emu.url}${path}`, { method: 'POST', headers, body });
const postTo = (url: string, body: string) => fetch(`${url}/acme/models/m:generate`, { method: 'POST', headers: key, body }).then((res) => res.text());
const json = async (res: Response): Promise<any> => res.json();

describe('route table', () => {
  it('captures {placeholders} inside a path segment and passes query, n and the scenario', async () => {
    emu.enqueue({ kind: 'text', text: 't' });
    const res = await post('/acme/models/big%20one:generate?x=1&y=2', '{}');
    expect(res.status).toBe(200);
    expect(res.headers.get('acme-request-id')).toBe('acme_1');
    expect(await res.json()).toEqual({ n: 1, model: 'big one', query: { x: '1', y: '2' }, scenario: { kind: 'text', text: 't' } });
    expect(emu.requests).toEqual([expect.objectContaining({ method: 'POST', path: '/acme/models/big%20one:generate', query: { x: '1', y: '2' }, body: {} })]);
  });

  it("checks credentials, then the route, then the JSON body, each in the owner module's error shape", async () => {
    const noKey = await post('/acme/models/m:generate', '{}', { 'content-type': 'application/json' });
    expect([noKey.status, await noKey.json()]).toEqual([401, { acme_error: 'no key', code: null }]);
    const missing = await post('/acme/nothing', '{}');
    expect([missing.status, await missing.json(), missing.headers.get('acme-request-id')]).toEqual([
      404,
      { acme_error: 'Invalid URL (POST /acme/nothing)', code: null },
      'acme_2',
    ]);
    const wrongMethod = await fetch(`${emu.url}/acme/models/m:generate`, { headers: key });
    expect(wrongMethod.status).toBe(404);
    const bad = await post('/acme/models/m:generate', 'nope{');
    expect([bad.status, await bad.json()]).toEqual([400, { acme_error: 'invalid JSON body', code: null }]);
    expect(emu.requests[3].body).toBe('nope{');
  });

  it('answers paths no module owns with a plain JSON 404', async () => {
    const res = await fetch(`${emu.url}/elsewhere`);
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { message: 'Invalid URL (GET /elsewhere)', type: null, code: null } });
  });

  it('turns a handler exception into a 500 naming the bug', async () => {
    const res = await fetch(`${emu.url}/acme/crash`, { headers: key });
    expect(res.status).toBe(500);
    expect((await json(res)).error.message).toMatch(/^emulator failure: Error: handler bug/);
  });
});

describe('scenarios in the core', () => {
  it('renders error scenarios through the module and hands other kinds to the handler, FIFO', async () => {
    emu.enqueue({ kind: 'error', status: 429, retryAfter: 2, code: 'slow_down' }, { kind: 'no_usage' });
    const limited = await post('/acme/models/m:generate', '{}');
    expect([limited.status, limited.headers.get('retry-after'), await json(limited)]).toEqual([429, '2', { acme_error: 'error', code: 'slow_down' }]);
    const next = await post('/acme/models/m:generate', '{}');
    expect((await json(next)).scenario).toEqual({ kind: 'no_usage' });
    const last = await post('/acme/models/m:generate', '{}');
    expect((await json(last)).scenario).toBe(null);
  });

  it('streams NDJSON one line per chunk and cuts the socket after N chunks', async () => {
    const whole = await post('/acme/models/m:generate', '{"stream":true}');
    expect(whole.headers.get('content-type')).toBe('application/x-ndjson');
    expect(await whole.text()).toBe('{"word":"hi"}\n{"word":" m"}\n{"done":true,"scenario":null}\n');

    emu.enqueue({ kind: 'stream_error_after', chunks: 1 });
    const cut = await post('/acme/models/m:generate', '{"stream":true}');
    const reader = cut.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('{"word":"hi"}\n');
    await expect(reader.read()).rejects.toThrow('terminated');
  });

  it('cuts before the first chunk with chunks: 0, after the headers', async () => {
    emu.enqueue({ kind: 'stream_error_after', chunks: 0 });
    const res = await post('/acme/models/m:generate', '{"stream":true}');
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow('terminated');
  });

  it('keeps a hanging request open until the client aborts, and stays usable', async () => {
    emu.enqueue({ kind: 'hang' });
    const controller = new AbortController();
    const hung = fetch(`${emu.url}/acme/models/m:generate`, { method: 'POST', headers: key, body: '{}', signal: controller.signal }).catch(
      (e: Error) => e.name,
    );
    await emu.received();
    controller.abort();
    expect(await hung).toBe('AbortError');
    const next = await post('/acme/models/m:generate', '{}');
    expect((await json(next)).n).toBe(2);
  });

  it('ends a hanging request on close()', async () => {
    const own = await startEmulator({ providers: [acme] });
    own.enqueue({ kind: 'hang' });
    const hung = fetch(`${own.url}/acme/models/m:generate`, { method: 'POST', headers: key, body: '{}' }).catch((e: Error) => e.message);
    await own.received();
    await own.close();
    expect(await hung).toBe('fetch failed');
  });

  it('tells when a number of requests have arrived, counting again after reset(), and rejects when closed first', async () => {
    const own = await startEmulator({ providers: [acme] });
    let second = false;
    const two = own.received(2).then(() => (second = true));
    await postTo(own.url, '{}');
    await own.received(1);
    expect(second).toBe(false);
    await postTo(own.url, '{}');
    await two;
    own.reset();
    const afterReset = own.received(1);
    await postTo(own.url, '{}');
    await afterReset;
    await expect(own.received(0)).rejects.toThrow('emulator.received: count must be an integer >= 1, got 0');
    const never = own.received(5);
    await own.close();
    await expect(never).rejects.toThrow('emulator closed before 5 requests arrived (1 did)');
  });

  it('frames SSE events with event:, multi-line data and comments', async () => {
    const res = await fetch(`${emu.url}/acme/events`, { headers: key });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await res.text()).toBe('event: first\ndata: {"a":1}\n\ndata: line1\ndata: line2\n\n: ping\n\n');
  });
});

describe('startEmulator() options', () => {
  it('rejects bad options with a message naming the option', async () => {
    await expect(startEmulator({ port: 70000 })).rejects.toThrow('startEmulator: port must be an integer 0..65535, got 70000');
    await expect(startEmulator({ chunkDelayMs: -1 })).rejects.toThrow('startEmulator: chunkDelayMs must be a number >= 0, got -1');
    await expect(startEmulator({ providers: [{ name: 'x' } as never] })).rejects.toThrow(
      'startEmulator: provider "x" must have name, routes, owns() and sendError()',
    );
  });

  it('keeps numbering requests when recording is off', async () => {
    const own = await startEmulator({ providers: [acme], recordRequests: false });
    try {
      const ask = async () => (await json(await fetch(`${own.url}/acme/models/m:generate`, { method: 'POST', headers: key, body: '{}' }))).n;
      expect([await ask(), await ask()]).toEqual([1, 2]);
      expect(own.requests).toEqual([]);
      own.reset();
      expect(await ask()).toBe(1);
    } finally {
      await own.close();
    }
  });
});

describe('shared helpers', () => {
  it('splits text into per-word pieces that join back exactly', () => {
    expect(splitWords('Echo: hi  there ')).toEqual(['Echo:', ' hi', '  there ']);
    expect(splitWords('  lead')).toEqual(['  lead']);
    expect(splitWords('')).toEqual([]);
    expect(splitWords('   ')).toEqual(['   ']);
    expect(countWords(' a\tb\nc  ')).toBe(3);
    expect(truncateWords('a b c d', 2)).toBe('a b');
  });

  it('samples JSON schemas with refs, enums, unions and nested objects', () => {
    const schema = {
      type: 'object',
      properties: {
        user: { $ref: '#/$defs/user' },
        kind: { enum: ['x', 'y'] },
        fixed: { const: 42 },
        maybe: { type: ['null', 'number'] },
        list: { type: 'array', items: { type: 'boolean' }, minItems: 2 },
      },
      required: ['user', 'kind', 'fixed', 'maybe', 'list'],
      $defs: { user: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } } } },
    };
    expect(sampleFromSchema(schema, { text: 'T', number: 2.5 })).toEqual({
      user: { name: 'T', age: 2 },
      kind: 'x',
      fixed: 42,
      maybe: 2.5,
      list: [true, true],
    });
    expect(() => sampleFromSchema({ $ref: '#/$defs/none' }, { text: '', number: 0 })).toThrow('JSON schema $ref #/$defs/none does not resolve');
  });

  it('honours string formats, length limits and numeric bounds so validating parsers accept the value', () => {
    const schema = {
      type: 'object',
      properties: {
        when: { type: 'string', format: 'date-time' },
        mail: { type: 'string', format: 'email' },
        id: { type: 'string', format: 'uuid' },
        short: { type: 'string', maxLength: 3 },
        long: { type: 'string', minLength: 10 },
        pct: { type: 'integer', minimum: 10, maximum: 100 },
        low: { type: 'number', exclusiveMaximum: 1 },
        items: { type: 'array', items: { type: 'integer' }, minItems: 5, maxItems: 2 },
      },
    };
    expect(sampleFromSchema(schema, { text: 'Echo: hi', number: 3 })).toEqual({
      when: '2025-01-01T00:00:00Z',
      mail: 'emu@example.com',
      id: '00000000-0000-4000-8000-000000000000',
      short: 'Ech',
      long: 'Echo: hixx',
      pct: 10,
      low: 1 - Number.EPSILON * 2 ** 20,
      items: [3, 3],
    });
  });

  it('makes deterministic unit vectors whose base64 form holds the same float32 values', () => {
    const v = embeddingFor('hello', 5);
    expect(embeddingFor('hello', 5)).toEqual(v);
    expect(embeddingFor('hellp', 5)).not.toEqual(v);
    const buf = Buffer.from(float32Base64(v), 'base64');
    expect(buf.length).toBe(20);
    expect([0, 1, 2, 3, 4].map((i) => buf.readFloatLE(i * 4))).toEqual(v);
  });
});

describe('module systems', () => {
  const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const script = (load: string) => `
    ${load}
    const emu = await startEmulator({ now: () => 0 });
    const res = await fetch(emu.url + '/v1/chat/completions', {
      method: 'POST',
      headers: { authorization: 'Bearer k', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'cjs or esm' }] }),
    });
    console.log(res.headers.get('x-request-id'), (await res.json()).choices[0].message.content);
    await emu.close();`;

  it('loads under require() and under import in a child process', async () => {
    const run = promisify(execFile);
    const cjs = await run(
      process.execPath,
      ['-e', `(async () => { ${script("const { startEmulator } = require('@llm-provenance/provider-emulators');")} })()`],
      { cwd: packageDir },
    );
    expect(cjs.stdout).toBe('req_emu_1 Echo: cjs or esm\n');
    const esm = await run(process.execPath, ['--input-type=module', '-e', script("import { startEmulator } from '@llm-provenance/provider-emulators';")], {
      cwd: packageDir,
    });
    expect(esm.stdout).toBe('req_emu_1 Echo: cjs or esm\n');
  });
});

describe('command line', () => {
  const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cjs/cli.js');

  it('serves until SIGTERM and then exits 0', async () => {
    const child = spawn(process.execPath, [cli, '--chunk-delay-ms', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    // Fail fast (with the child's stderr) if it exits instead of printing its address.
    const first = await Promise.race([once(child.stdout!, 'data').then(([d]) => String(d)), once(child, 'exit').then(([code]) => `exited ${code}: ${stderr}`)]);
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(first)?.[1];
    expect(first).toMatch(/^listening on /);
    expect(url).toBeDefined();
    const res = await fetch(`${url}/v1/models/x`, { headers: { authorization: 'Bearer k' } });
    expect(await res.json()).toEqual({ id: 'x', object: 'model', created: 1_700_000_000, owned_by: 'openai' });
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('rejects an unknown argument with usage and exit code 2', async () => {
    const err = await promisify(execFile)(process.execPath, [cli, '--prot', '1']).catch((e: { code: number; stderr: string }) => e);
    expect(err).toMatchObject({
      code: 2,
      stderr: 'llm-provenance-emulators: unknown argument "--prot"; see --help\n',
    });
  });
});
