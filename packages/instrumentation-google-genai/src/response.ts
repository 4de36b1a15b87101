import type { GenAIResponse, StreamAccumulator, TokenUsage } from '@llm-provenance/instrumentation-common';
import { definedAttributes } from '@llm-provenance/instrumentation-common';
import { ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT, type MessagePart, type OutputMessage } from '@llm-provenance/semantic-conventions';
import { partOf, type GeminiPart } from './parts.js';

/** GenerateContentResponse (https://ai.google.dev/api/generate-content#generatecontentresponse). */
export interface GeminiResponse {
  responseId?: string;
  modelVersion?: string;
  candidates?: Array<{ content?: { role?: string; parts?: GeminiPart[] }; finishReason?: string; index?: number }>;
  usageMetadata?: GeminiUsage;
}
export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
}

/**
 * Token usage in the conventions' terms. Gemini reports thinking tokens OUTSIDE candidatesTokenCount
 * (totalTokenCount = prompt + candidates + thoughts + toolUsePrompt); the conventions count reasoning
 * inside output_tokens, so output = candidates + thoughts, and reasoning.output_tokens = thoughts.
 * Cached tokens are already inside promptTokenCount (as the conventions want); tokens of tool-use
 * prompts (code execution, grounding) are input too.
 */
export function usageOf(u: GeminiUsage | undefined): TokenUsage | undefined {
  if (!u) return undefined;
  const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
  const prompt = num(u.promptTokenCount);
  const toolUse = num(u.toolUsePromptTokenCount);
  const candidates = num(u.candidatesTokenCount);
  const thoughts = num(u.thoughtsTokenCount);
  return {
    inputTokens: prompt === undefined && toolUse === undefined ? undefined : (prompt ?? 0) + (toolUse ?? 0),
    outputTokens: candidates === undefined && thoughts === undefined ? undefined : (candidates ?? 0) + (thoughts ?? 0),
    cacheReadInputTokens: num(u.cachedContentTokenCount),
    reasoningOutputTokens: thoughts,
  };
}

/** Gemini finish reasons that mean "blocked" (https://ai.google.dev/api/generate-content#FinishReason). */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

/**
 * The conventions' finish_reason for an output message; `gen_ai.response.finish_reasons` keeps
 * Gemini's own values (STOP, MAX_TOKENS ...). A function call says STOP in Gemini; it is "tool_call".
 */
export function conventionFinishReason(reason: string | undefined, parts: MessagePart[]): string {
  if (parts.some((p) => p.type === 'tool_call')) return 'tool_call';
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason && FILTERED.has(reason)) return 'content_filter';
  if (reason === undefined || reason === '' || reason === 'FINISH_REASON_UNSPECIFIED') return 'error';
  return reason === 'MALFORMED_FUNCTION_CALL' ? 'error' : reason.toLowerCase();
}

function outputMessages(candidates: GeminiResponse['candidates']): OutputMessage[] {
  return (candidates ?? []).map((c) => {
    const parts = (c?.content?.parts ?? []).map(partOf);
    return { role: 'assistant', parts, finish_reason: conventionFinishReason(c?.finishReason, parts) };
  });
}

/**
 * Joins consecutive text parts of the same kind (text / thought). A stream delivers an answer as one
 * text part per chunk (and the legacy SDK's aggregated stream response keeps them apart); joined, a
 * streamed answer is recorded like the same answer unstreamed.
 */
export function joinTextParts(r: GeminiResponse | undefined): GeminiResponse | undefined {
  if (!r?.candidates) return r;
  const candidates = r.candidates.map((c) => {
    const parts: GeminiPart[] = [];
    for (const part of c?.content?.parts ?? []) {
      const last = parts[parts.length - 1];
      if (typeof part.text === 'string' && last && typeof last.text === 'string' && !!last.thought === !!part.thought) {
        parts[parts.length - 1] = { ...last, text: last.text + part.text };
      } else parts.push(part);
    }
    return { ...c, content: { ...c?.content, parts } };
  });
  return { ...r, candidates };
}

export function generateContentResponse(value: unknown): GenAIResponse | undefined {
  if (!value) return undefined;
  const r = value as GeminiResponse;
  const finishReasons = (r.candidates ?? []).map((c) => c?.finishReason).filter((f): f is string => typeof f === 'string');
  return {
    id: r.responseId,
    model: r.modelVersion,
    // None yet (a stream stopped before its last chunk): unknown, so not recorded.
    finishReasons: finishReasons.length > 0 ? finishReasons : undefined,
    usage: usageOf(r.usageMetadata),
    outputMessages: outputMessages(r.candidates),
  };
}

/**
 * Folds the chunks of streamGenerateContent: each carries a slice of every candidate's parts
 * (consecutive text of one kind is joined at the end), the last a finishReason; usageMetadata is
 * cumulative, so the last one seen wins.
 */
export class GenerateContentStreamAccumulator implements StreamAccumulator {
  private id: string | undefined;
  private model: string | undefined;
  private usage: GeminiUsage | undefined;
  private readonly candidates = new Map<number, { parts: GeminiPart[]; finishReason?: string }>();

  constructor(private readonly captureContent: boolean) {}

  onChunk(value: unknown): void {
    if (!value || typeof value !== 'object') return;
    const chunk = value as GeminiResponse;
    if (typeof chunk.responseId === 'string') this.id = chunk.responseId;
    if (typeof chunk.modelVersion === 'string') this.model = chunk.modelVersion;
    if (chunk.usageMetadata) this.usage = chunk.usageMetadata;
    for (const [position, c] of (chunk.candidates ?? []).entries()) {
      const index = typeof c?.index === 'number' ? c.index : position;
      const slot = this.candidates.get(index) ?? { parts: [] };
      this.candidates.set(index, slot);
      if (typeof c?.finishReason === 'string') slot.finishReason = c.finishReason;
      if (!this.captureContent) continue;
      slot.parts.push(...(c?.content?.parts ?? []));
    }
  }

  /** Whether every candidate seen has its finishReason (the last chunk arrived). */
  isComplete(): boolean {
    return this.candidates.size > 0 && [...this.candidates.values()].every((c) => c.finishReason !== undefined);
  }

  result(): GenAIResponse {
    const ordered = [...this.candidates.entries()].sort(([a], [b]) => a - b).map(([, c]) => ({ content: { parts: c.parts }, finishReason: c.finishReason }));
    const mapped = generateContentResponse(joinTextParts({ responseId: this.id, modelVersion: this.model, usageMetadata: this.usage, candidates: ordered }))!;
    return this.captureContent ? mapped : { ...mapped, outputMessages: undefined };
  }
}

/**
 * EmbedContentResponse: `embeddings[].values`; Vertex AI adds per-input `statistics.tokenCount`
 * (summed into input tokens). The Gemini API reports no usage for embeddings.
 */
export function embedContentResponse(value: unknown): GenAIResponse | undefined {
  if (!value) return undefined;
  const r = value as { embeddings?: Array<{ values?: number[]; statistics?: { tokenCount?: number } }>; embedding?: { values?: number[] } };
  const vectors = r.embeddings ?? (r.embedding ? [r.embedding] : []);
  const counts = vectors.map((v) => (v as { statistics?: { tokenCount?: number } })?.statistics?.tokenCount);
  const known = counts.every((n) => typeof n === 'number') && counts.length > 0;
  return {
    usage: known ? { inputTokens: counts.reduce((a, b) => a + b, 0) } : undefined,
    attributes: definedAttributes({ [ATTR_GEN_AI_EMBEDDINGS_DIMENSION_COUNT]: vectors[0]?.values?.length }),
  };
}

/** fetch's DOMException and the legacy SDK's GoogleGenerativeAIAbortError both mean "aborted". */
export function errorType(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { name?: unknown; constructor?: { name?: unknown } };
  if (e.name === 'AbortError' || e.constructor?.name === 'GoogleGenerativeAIAbortError') return 'AbortError';
  return undefined;
}
