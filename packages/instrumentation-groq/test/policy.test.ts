import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectDiagWarnings, resetBeforeEach, testTempDir, useEmulator } from '@llm-provenance/test-support';
import { loadGroq, SDKS, setupTracing, waitForSpans } from './helpers.js';

const warnings = collectDiagWarnings();
const tracing = setupTracing({ captureMessageContent: false });
const Groq = loadGroq(SDKS['groq-1']);
const MODEL = 'llama-3.1-8b-instant';

const emu = useEmulator();
resetBeforeEach(emu, tracing.exporter);

describe('content capture off', () => {
  it('records no prompt, tool or output content, plain or streamed, but keeps usage', async () => {
    const client = new Groq({ baseURL: emu.url, apiKey: 'k', maxRetries: 0 });
    const request = {
      model: MODEL,
      tools: [{ type: 'function', function: { name: 'secret_tool', parameters: { type: 'object' } } }],
      messages: [
        { role: 'system', content: 'secret system prompt' },
        { role: 'user', content: 'secret question' },
      ],
    };
    await client.chat.completions.create(request);
    for await (const _chunk of await client.chat.completions.create({ ...request, stream: true })) {
      // drain
    }
    const spans = await waitForSpans(tracing, 2);
    for (const span of spans) {
      expect(Object.keys(span.attributes).filter((k) => /messages|instructions|definitions/.test(k))).toEqual([]);
      expect(JSON.stringify(span.attributes)).not.toContain('secret');
      expect(span.attributes['gen_ai.usage.input_tokens']).toBe(5);
      expect(span.attributes['gen_ai.usage.output_tokens']).toBe(3);
    }
  });
});

describe('robustness', () => {
  it('handles connection errors without crashing and reports them by class name', async () => {
    const client = new Groq({ baseURL: 'http://127.0.0.1:1', apiKey: 'k', maxRetries: 0 });
    const err = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Groq.APIConnectionError);
    const [span] = await waitForSpans(tracing, 1);
    expect(span.attributes['error.type']).toBe('APIConnectionError');
  });
});

describe('unsupported SDK versions', () => {
  it('leaves a version outside the supported range unpatched and says so through OTel diag', () => {
    // A stand-in package that calls itself groq-sdk 0.4.0 (older than 0.5.0).
    const dir = testTempDir('groq-old-');
    const pkg = path.join(dir, 'node_modules/groq-sdk');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'groq-sdk', version: '0.4.0', main: 'index.js' }));
    writeFileSync(
      path.join(pkg, 'index.js'),
      'class Completions { create() { return "untouched"; } }\nclass Chat {}\nChat.Completions = Completions;\nclass Groq {}\nGroq.Chat = Chat;\nmodule.exports = { Groq, default: Groq };\n',
    );
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const old = createRequire(path.join(dir, 'package.json'))('groq-sdk');
    expect(new old.Groq.Chat.Completions().create()).toBe('untouched');
    expect('__wrapped' in old.Groq.Chat.Completions.prototype.create).toBe(false);
    expect(warnings.filter((w) => w.includes('0.4.0'))).toEqual([
      expect.stringContaining('groq-sdk@0.4.0 is outside the supported range ">=0.5.0 <2"; it is not instrumented'),
    ]);
  });
});
