import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { useEmulator } from '@llm-provenance/test-support';
import { setupTracing, waitForSpans } from './tracing.js';

// Only `ollama/browser` is loaded in this process: its file hook alone must instrument the client.
const tracing = setupTracing();
const require = createRequire(import.meta.url);
const browser = require('ollama/browser');

describe('ollama/browser entry', () => {
  const emu = useEmulator();

  it('traces a client created from the browser entry point', async () => {
    const client = new browser.Ollama({ host: emu.url });
    const result = await client.generate({ model: 'llama3.2', prompt: 'from the browser build' });
    expect(result.response).toBe('Echo: from the browser build');
    const [span] = await waitForSpans(tracing.exporter, 1);
    expect(span.attributes).toEqual({
      'gen_ai.operation.name': 'text_completion',
      'gen_ai.provider.name': 'ollama',
      'gen_ai.request.model': 'llama3.2',
      'server.address': '127.0.0.1',
      'server.port': emu.port,
      'gen_ai.request.stream': false,
      'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'from the browser build' }] }]),
      'gen_ai.response.model': 'llama3.2',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 4,
      'gen_ai.usage.output_tokens': 5,
      'ollama.response.total_duration': 15_000_000,
      'ollama.response.load_duration': 1_000_000,
      'ollama.response.prompt_eval_duration': 4_000_000,
      'ollama.response.eval_duration': 10_000_000,
      'gen_ai.usage.cost.amount': 0,
      'gen_ai.usage.cost.currency': 'USD',
      'gen_ai.usage.cost.source': 'price_table',
      'gen_ai.output.messages': JSON.stringify([
        { role: 'assistant', parts: [{ type: 'text', content: 'Echo: from the browser build' }], finish_reason: 'stop' },
      ]),
    });
  });
});
