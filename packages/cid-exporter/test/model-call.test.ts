import { describe, expect, it } from 'vitest';
import { isModelCallAttributes } from '@llm-provenance/cid-exporter';

describe('isModelCallAttributes (what report, consistency and the index count as a call)', () => {
  it('counts model operations, and a provider without an operation', () => {
    for (const op of ['chat', 'text_completion', 'embeddings', 'generate_content', 'count_tokens', 'rerank', 'infer']) {
      expect(isModelCallAttributes({ 'gen_ai.operation.name': op })).toBe(true);
    }
    expect(isModelCallAttributes({ 'gen_ai.provider.name': 'openai' })).toBe(true);
  });

  it('does not count tool executions, agent and workflow spans, even with a provider, nor spans without GenAI attributes', () => {
    for (const op of ['execute_tool', 'create_agent', 'invoke_agent', 'invoke_workflow', 'agent_step']) {
      expect(isModelCallAttributes({ 'gen_ai.operation.name': op, 'gen_ai.provider.name': 'openai' })).toBe(false);
    }
    expect(isModelCallAttributes({ 'http.request.method': 'POST' })).toBe(false);
    expect(isModelCallAttributes({})).toBe(false);
  });

  it('does not count a span that wraps a call another span records (provenance.model_call.recorded_by)', () => {
    const wrapper = { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini' };
    expect(isModelCallAttributes(wrapper)).toBe(true);
    expect(isModelCallAttributes({ ...wrapper, 'provenance.model_call.recorded_by': '00f067aa0ba902b7' })).toBe(false);
  });
});
