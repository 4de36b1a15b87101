/**
 * Family 7, malformed provider responses: a loopback server answers the OpenAI SDK's chat completions with
 * bodies a broken gateway or provider could send (missing or mistyped fields, invalid JSON, HTML, garbage
 * in a stream, a stream cut short), and an app prints what each call gave it. The same app runs
 * uninstrumented (OTEL_SDK_DISABLED=true) and under the register hook: what it saw (results, chunks,
 * error classes and messages), its exit status and its stderr must be identical, and the store verifies.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { describe, expect, it, onTestFinished } from 'vitest';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { runApp } from '../harness/index.js';
import { note, tally } from './tally.js';
import { FULL } from './runs.js';

const summary = tally('malformed provider responses');

const completion = (fields: Record<string, unknown>) => ({ id: 'chatcmpl-bad', object: 'chat.completion', created: 1, model: 'm', ...fields });
const message = (content: unknown) => ({ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' });
const sse = (...events: string[]) => events.map((e) => `data: ${e}\n\n`).join('');
const chunk = (fields: Record<string, unknown>) => JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', ...fields });

/** Each scenario: status, content type and body (a function for bodies that end the socket early). */
const SCENARIOS: Record<string, { status?: number; type?: string; body: string | ((res: ServerResponse) => void) }> = {
  'empty-object': { body: '{}' },
  'choices-null': { body: JSON.stringify(completion({ choices: null })) },
  'choice-without-message': { body: JSON.stringify(completion({ choices: [{}] })) },
  'content-a-number': { body: JSON.stringify(completion({ choices: [message(42)] })) },
  'content-an-object': { body: JSON.stringify(completion({ choices: [message({ nested: [1, { deep: true }] })] })) },
  'usage-strings': {
    body: JSON.stringify(completion({ choices: [message('hi')], usage: { prompt_tokens: 'ten', completion_tokens: null, total_tokens: -1 } })),
  },
  'usage-an-array': { body: JSON.stringify(completion({ choices: [message('hi')], usage: [1, 2] })) },
  'model-an-object': { body: JSON.stringify(completion({ model: { name: 'x' }, choices: [message('hi')] })) },
  'tool-calls-a-string': {
    body: JSON.stringify(
      completion({ choices: [{ index: 0, message: { role: 'assistant', content: null, tool_calls: 'nope' }, finish_reason: 'tool_calls' }] }),
    ),
  },
  'tool-call-arguments-not-json': {
    body: JSON.stringify(
      completion({
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f', arguments: '{not json' } }] },
            finish_reason: 'tool_calls',
          },
        ],
      }),
    ),
  },
  'truncated-json': { body: '{"id":"chatcmpl-bad","choices":[{"message":{"content":"cut' },
  'html-200': { type: 'text/html', body: '<html><body>502 Bad Gateway</body></html>' },
  'empty-200': { body: '' },
  'non-json-500': { status: 500, type: 'text/plain', body: 'upstream exploded' },
  'error-body-mistyped': { status: 400, body: JSON.stringify({ error: { message: 42, type: null, code: { x: 1 } } }) },
  'garbage-event-stream': { type: 'text/event-stream', body: sse(chunk({ choices: [{ index: 0, delta: { role: 'assistant' } }] }), '{not json}', '[DONE]') },
  'chunk-without-choices-stream': { type: 'text/event-stream', body: sse(chunk({}), chunk({ choices: null }), '[DONE]') },
  'usage-string-stream': {
    type: 'text/event-stream',
    body: sse(chunk({ choices: [{ index: 0, delta: { content: 'a' } }] }), chunk({ choices: [], usage: 'lots' }), '[DONE]'),
  },
  'cut-short-stream': {
    type: 'text/event-stream',
    body: (res) => {
      res.write(sse(chunk({ choices: [{ index: 0, delta: { content: 'half' } }] })));
      res.socket!.destroy();
    },
  },
  'no-done-stream': { type: 'text/event-stream', body: sse(chunk({ choices: [{ index: 0, delta: { content: 'x' }, finish_reason: 'stop' }] })) },
};

async function malformedServer(): Promise<string> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const scenario = SCENARIOS[(JSON.parse(body) as { model: string }).model]!;
      res.writeHead(scenario.status ?? 200, { 'content-type': scenario.type ?? 'application/json' });
      if (typeof scenario.body === 'function') scenario.body(res);
      else res.end(scenario.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
}

const MODULES = FULL ? (['cjs', 'esm'] as const) : (['cjs'] as const);

describe(`malformed provider responses (${Object.keys(SCENARIOS).length} kinds)`, () => {
  it.each(MODULES)('leave what the app sees unchanged under the register hook (%s)', async (module) => {
    const baseUrl = await malformedServer();
    const env = { OPENAI_BASE_URL: baseUrl, SCENARIOS: Object.keys(SCENARIOS).join(',') };
    const plain = await runApp({ module, app: 'fixtures/openai-malformed-calls.cjs', env: { ...env, OTEL_SDK_DISABLED: 'true' } });
    const traced = await runApp({ module, app: 'fixtures/openai-malformed-calls.cjs', env });
    const seen = (stdout: string) => stdout.trim().split('\n');
    expect(seen(plain.stdout)).toHaveLength(Object.keys(SCENARIOS).length);
    const changed = seen(traced.stdout).filter((line, i) => line !== seen(plain.stdout)[i]);
    summary.cases += Object.keys(SCENARIOS).length;
    summary.appVisibleChanges += changed.length + (traced.exitCode === plain.exitCode ? 0 : 1) + (traced.stderr === plain.stderr ? 0 : 1);
    expect(changed).toEqual([]);
    expect(traced.exitCode).toBe(plain.exitCode);
    expect(traced.stderr).toBe(plain.stderr);
    // Every call was traced and stored, and the store verifies.
    expect(traced.spans).toHaveLength(Object.keys(SCENARIOS).length);
    note(summary, 'calls failing in the app (both runs alike)', seen(plain.stdout).filter((l) => l.includes('"error"')).length);
    expect(verifyStore(traced.storeDir!).failures).toEqual([]);
  });
});
