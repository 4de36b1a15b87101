import { sampleFromSchema } from '../core/json-schema-sample.js';
import { countWords, splitWords, truncateWords } from '../core/tokens.js';
import type { RouteContext } from '../core/types.js';
import { bareModel, lastUserText, promptWords, type WireContent } from './content.js';

/**
 * generateContent / streamGenerateContent in the Gemini API's shape (https://ai.google.dev/api/generate-content):
 * `candidates[].content.parts`, `finishReason` (STOP, MAX_TOKENS ...), `usageMetadata`, `modelVersion`,
 * `responseId`. Vertex AI answers the same shape (plus `createTime`), so both share this code.
 */
interface Plan {
  /** Reply text (absent for a function call). */
  text?: string;
  functionCall?: { name: string; args: Record<string, unknown> };
  finishReason: 'STOP' | 'MAX_TOKENS';
  candidateCount: number;
  usage?: Record<string, unknown>;
  modelVersion: string;
  responseId: string;
  createTime?: string;
}

/** The fields of a GenerateContentRequest's `generationConfig` the emulator honours. */
interface GenerationConfig {
  candidateCount?: unknown;
  maxOutputTokens?: unknown;
  responseMimeType?: unknown;
  responseSchema?: unknown;
  responseJsonSchema?: unknown;
}

/** `body` is the parsed request body; returns the API's error message for a request it would reject. */
export function validateGenerateRequest(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return 'Invalid JSON payload: expected a GenerateContentRequest object.';
  const request = body as { contents?: unknown; generationConfig?: GenerationConfig };
  if (!Array.isArray(request.contents) || request.contents.length === 0) {
    return '* GenerateContentRequest.contents: contents is not specified\n';
  }
  const max = request.generationConfig?.maxOutputTokens;
  if (max !== undefined && !(isInteger(max) && max >= 1)) {
    return '* GenerateContentRequest.generation_config.max_output_tokens: must be a positive integer\n';
  }
  return undefined;
}

function isInteger(value: unknown): value is number {
  return Number.isInteger(value);
}

function plan(ctx: RouteContext, vertex: boolean): Plan {
  // Only requests validateGenerateRequest accepted get here.
  const body = ctx.body as { contents: WireContent[]; systemInstruction?: WireContent; generationConfig?: GenerationConfig };
  const config = body.generationConfig ?? {};
  const candidateCount = isInteger(config.candidateCount) && config.candidateCount > 1 ? config.candidateCount : 1;
  const inputWords = promptWords(body.contents, body.systemInstruction);
  const scenario = ctx.scenario;
  const base = {
    candidateCount,
    modelVersion: bareModel(ctx.params.model!), // the route's path has {model}
    responseId: `gemini-emu-${ctx.n}`,
    ...(vertex ? { createTime: new Date(ctx.now()).toISOString() } : {}),
  };

  let text: string | undefined;
  let functionCall: Plan['functionCall'];
  let finishReason: Plan['finishReason'] = 'STOP';
  let outputWords: number;
  if (scenario?.kind === 'tool_call') {
    functionCall = { name: scenario.name, args: scenario.arguments };
    // Tokens of a call: its name plus the words of its JSON arguments.
    outputWords = 1 + countWords(JSON.stringify(scenario.arguments));
  } else {
    const schema = config.responseJsonSchema ?? config.responseSchema;
    const echo = `Echo: ${lastUserText(body.contents)}`;
    if (scenario?.kind === 'text') text = scenario.text;
    else if (config.responseMimeType === 'application/json') text = JSON.stringify(sampleFromSchema(schema, { text: echo, number: 1 }));
    else text = echo;
    if (isInteger(config.maxOutputTokens) && countWords(text) > config.maxOutputTokens) {
      text = truncateWords(text, config.maxOutputTokens);
      finishReason = 'MAX_TOKENS';
    }
    outputWords = countWords(text);
  }

  let usage: Record<string, unknown> | undefined;
  if (scenario?.kind !== 'no_usage') {
    // Gemini counts cached tokens inside promptTokenCount and thoughts outside candidatesTokenCount.
    const cached = scenario?.kind === 'cache' ? scenario.read : 0;
    const thoughts = scenario?.kind === 'reasoning' ? scenario.tokens : 0;
    const prompt = inputWords + cached;
    const candidates = outputWords * candidateCount;
    usage = {
      promptTokenCount: prompt,
      candidatesTokenCount: candidates,
      totalTokenCount: prompt + candidates + thoughts,
      ...(cached ? { cachedContentTokenCount: cached } : {}),
      ...(thoughts ? { thoughtsTokenCount: thoughts } : {}),
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
      ...(cached ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: cached }] } : {}),
    };
  }
  return { ...base, text, functionCall, finishReason, usage };
}

function candidates(p: Plan, parts: Array<Record<string, unknown>>, finishReason: string | undefined) {
  return Array.from({ length: p.candidateCount }, (_, index) => ({
    content: { parts, role: 'model' },
    ...(finishReason ? { finishReason } : {}),
    index,
  }));
}

function envelope(p: Plan, cands: unknown[], usage: Record<string, unknown> | undefined) {
  return {
    candidates: cands,
    ...(usage ? { usageMetadata: usage } : {}),
    modelVersion: p.modelVersion,
    ...(p.createTime ? { createTime: p.createTime } : {}),
    responseId: p.responseId,
  };
}

export function generateContent(ctx: RouteContext, vertex: boolean): void {
  const invalid = validateGenerateRequest(ctx.body);
  if (invalid) return ctx.error({ status: 400, message: invalid });
  const p = plan(ctx, vertex);
  const parts = p.functionCall ? [{ functionCall: p.functionCall }] : [{ text: p.text }];
  ctx.json(200, envelope(p, candidates(p, parts, p.finishReason), p.usage));
}

/** The chunks of a streamed answer: one per word, the last carrying finishReason and the final usage. */
function streamChunks(p: Plan): unknown[] {
  if (p.functionCall) return [envelope(p, candidates(p, [{ functionCall: p.functionCall }], p.finishReason), p.usage)];
  const pieces = splitWords(p.text ?? '');
  if (pieces.length === 0) pieces.push('');
  const prompt = p.usage?.promptTokenCount as number | undefined;
  let soFar = 0;
  return pieces.map((piece, i) => {
    const last = i === pieces.length - 1;
    soFar += countWords(piece) * p.candidateCount;
    // The real API repeats usageMetadata on every chunk; only the last one is complete.
    const usage = !p.usage ? undefined : last ? p.usage : { promptTokenCount: prompt, candidatesTokenCount: soFar, totalTokenCount: prompt! + soFar };
    return envelope(p, candidates(p, [{ text: piece }], last ? p.finishReason : undefined), usage);
  });
}

export async function streamGenerateContent(ctx: RouteContext, vertex: boolean): Promise<void> {
  const invalid = validateGenerateRequest(ctx.body);
  if (invalid) return ctx.error({ status: 400, message: invalid });
  const chunks = streamChunks(plan(ctx, vertex));
  // Without alt=sse the API streams one JSON array; the SDKs always ask for SSE.
  if (ctx.query.alt !== 'sse') return ctx.json(200, chunks);
  const sse = ctx.sse();
  for (const chunk of chunks) await sse.send(chunk);
  sse.end();
}

/** countTokens: https://ai.google.dev/api/tokens#method:-models.counttokens */
export function countTokens(ctx: RouteContext): void {
  const body = (ctx.body ?? {}) as { contents?: WireContent[]; generateContentRequest?: { contents?: WireContent[]; systemInstruction?: WireContent } };
  const request = body.generateContentRequest ?? body;
  const total = promptWords(request.contents, (request as { systemInstruction?: WireContent }).systemInstruction);
  ctx.json(200, { totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] });
}
