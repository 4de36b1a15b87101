import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { SpanStatusCode } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { collectDiagWarnings, resetBeforeEach, testTempDir, useEmulator } from '@llm-provenance/test-support';
import { loadAnthropic, SDKS, setupTracing, waitForSpans } from './helpers.js';

const warnings = collectDiagWarnings();
const tracing = setupTracing({ captureMessageContent: false });
const Anthropic = loadAnthropic(SDKS['anthropic-1']);
const MODEL = 'claude-sonnet-4';

const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

describe('content capture off', () => {
  it('records no prompt, system prompt, tool or output content, plain or streamed', async () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k', maxRetries: 0 });
    const request = {
      model: MODEL,
      max_tokens: 20,
      system: 'secret system prompt',
      tools: [{ name: 't', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: 'secret question' }],
    };
    await client.messages.create(request);
    const stream = await client.messages.create({ ...request, stream: true });
    for await (const _event of stream) {
      // drain
    }
    const spans = await waitForSpans(tracing, 2);
    for (const span of spans) {
      expect(Object.keys(span.attributes).filter((k) => /messages|instructions|definitions/.test(k))).toEqual([]);
      expect(JSON.stringify(span.attributes)).not.toContain('secret');
    }
    expect(spans[1].attributes['gen_ai.usage.output_tokens']).toBe(3);
  });
});

describe('robustness', () => {
  it('does not change what the SDK throws synchronously for a malformed call, and records it', async () => {
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k', maxRetries: 0 });
    tracing.instrumentation.disable();
    let expected: unknown;
    try {
      client.messages.create(undefined as never);
    } catch (e) {
      expected = e;
    }
    tracing.instrumentation.enable();
    expect(expected).toBeInstanceOf(TypeError);
    expect(() => client.messages.create(undefined as never)).toThrow((expected as Error).message);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes['error.type']).toBe('TypeError');
    expect(span.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('records one span per call after disable/enable cycles (never wraps twice)', async () => {
    tracing.instrumentation.disable();
    tracing.instrumentation.enable();
    tracing.instrumentation.disable();
    tracing.instrumentation.enable();
    const client = new Anthropic({ baseURL: emu.url, apiKey: 'k', maxRetries: 0 });
    await client.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] });
    await waitForSpans(tracing, 1);
    expect(tracing.spans()).toHaveLength(1);
  });

  it('handles connection errors without crashing and reports them by class name', async () => {
    const client = new Anthropic({ baseURL: 'http://127.0.0.1:1', apiKey: 'k', maxRetries: 0 });
    const err = await client.messages.create({ model: MODEL, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.APIConnectionError);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes['error.type']).toBe('APIConnectionError');
    expect(span.attributes['server.port']).toBe(1);
  });
});

describe('unsupported SDK versions', () => {
  it('leaves a version outside the supported range unpatched and says so through OTel diag', () => {
    // A stand-in package that calls itself @anthropic-ai/sdk 0.20.0 (older than 0.33.0).
    const dir = testTempDir('anthropic-old-');
    const pkg = path.join(dir, 'node_modules/@anthropic-ai/sdk');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: '@anthropic-ai/sdk', version: '0.20.0', main: 'index.js' }));
    writeFileSync(
      path.join(pkg, 'index.js'),
      'class Messages { create() { return "untouched"; } }\nclass Anthropic {}\nAnthropic.Messages = Messages;\nmodule.exports = { Anthropic, default: Anthropic };\n',
    );
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const old = createRequire(path.join(dir, 'package.json'))('@anthropic-ai/sdk');
    expect(new old.Anthropic.Messages().create()).toBe('untouched');
    expect('__wrapped' in old.Anthropic.Messages.prototype.create).toBe(false);
    expect(warnings.filter((w) => w.includes('0.20.0'))).toEqual([
      expect.stringContaining('@anthropic-ai/sdk@0.20.0 is outside the supported range ">=0.33.0 <2"; it is not instrumented'),
    ]);
  });
});
