import type { Attributes } from '@opentelemetry/api';
import { AnthropicInstrumentation } from '@llm-provenance/instrumentation-anthropic';
import { OpenAIInstrumentation } from '@llm-provenance/instrumentation-openai';
import * as support from '@llm-provenance/test-support';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { AiSdkInstrumentation } from '@llm-provenance/instrumentation-ai-sdk';
import { beforeAll } from 'vitest';
import type * as AiModule from 'ai';
import type * as OpenAIProvider from '@ai-sdk/openai';
import type * as AnthropicProvider from '@ai-sdk/anthropic';
import type * as OpenAICompatibleProvider from '@ai-sdk/openai-compatible';

export const API_KEY = 'sk-ai-sdk-test-0123456789';

/**
 * One global tracer provider (the AI SDK's own telemetry asks the global API for its tracer) with the AI
 * SDK instrumentation and, on the same provider, the openai and anthropic instrumentations: the reference
 * a call through the AI SDK is compared with. All enabled before the vendor SDKs are loaded (`loadSdk`).
 */
export function setupTracing() {
  const tracing = support.setupTracing(new AiSdkInstrumentation(), { global: true });
  for (const reference of [new OpenAIInstrumentation(), new AnthropicInstrumentation()]) {
    reference.setTracerProvider(tracing.provider);
    reference.enable();
  }
  return tracing;
}

const PACKAGE_JSON = new URL('../package.json', import.meta.url).pathname;

export function loadOpenAI(): any {
  return support.loadSdk(PACKAGE_JSON, 'openai', 'OpenAI');
}

export function loadAnthropic(): any {
  return support.loadSdk(PACKAGE_JSON, '@anthropic-ai/sdk', 'Anthropic');
}

/** The spans that are GenAI calls, as the store and `report` count them: those naming an operation or a provider. */
export function genAISpans(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans.filter((s) => typeof s.attributes['gen_ai.operation.name'] === 'string' || typeof s.attributes['gen_ai.provider.name'] === 'string');
}

/** A span's attributes without the one whose value is a timing (it differs between any two calls). */
export function withoutTiming(attributes: Attributes): Attributes {
  const { ['gen_ai.response.time_to_first_chunk']: _ttfc, ...rest } = attributes;
  return rest;
}

export function parentOf(span: ReadableSpan): string | undefined {
  const s = span as ReadableSpan & { parentSpanId?: string; parentSpanContext?: { spanId: string } };
  return s.parentSpanContext?.spanId ?? s.parentSpanId;
}

/**
 * The modules of one AI SDK line. The tests are written against the 6 line's types; the 7 line keeps
 * every function and option they use (`experimental_telemetry` included).
 */
export interface AiSdkModules {
  ai: typeof AiModule;
  openai: typeof OpenAIProvider;
  anthropic: typeof AnthropicProvider;
  compatible: typeof OpenAICompatibleProvider;
  /**
   * The `experimental_telemetry` option that gives the AI SDK's own OTel spans, or none. The 6 line makes
   * them itself; the 7 line makes spans only through a telemetry integration, and `LegacyOpenTelemetry`
   * of `@ai-sdk/otel` is the one that makes the spans the 6 line made (`ai.generateText`, `…doGenerate`).
   */
  telemetry(enabled: boolean): { isEnabled: boolean };
  /**
   * The 7 line only: the option that turns on @ai-sdk/otel's `OpenTelemetry` integration, which makes
   * GenAI-convention spans of its own (`invoke_agent`, `chat <model>`, `embeddings <model>`, …).
   */
  genAITelemetry?: () => { isEnabled: boolean };
}

export interface AiSdkLine {
  /** `ai` 6 with `@ai-sdk/openai` 3, …: the suite title. */
  name: string;
  /** Why the line cannot run here, or false. */
  skip: string | false;
  /**
   * Whether the AI SDK runs every model call in the context of its own `doGenerate` / `doStream` /
   * `doEmbed` span (6), or only the language model calls of generateText and streamText (7: its
   * telemetry integrations' `executeLanguageModelCall`; embed, embedMany, generateObject and streamObject
   * call the provider outside their spans).
   */
  nestsEveryModelCall: boolean;
  /** Whether the line has @ai-sdk/otel's `OpenTelemetry` integration (`AiSdkModules.genAITelemetry`). */
  genAIIntegration: boolean;
  load(): Promise<AiSdkModules>;
}

const nodeMajor = Number(process.versions.node.split('.')[0]);

/**
 * The tested lines, side by side: the 6 line from the package's devDependencies, the 7 line from its
 * npm aliases (`ai-7`, `ai-sdk-openai-4`, …). The 7 line's packages declare `engines.node >=22`.
 */
export const AI_SDK_LINES: readonly AiSdkLine[] = [
  {
    name: 'ai 6 (@ai-sdk/openai 3, @ai-sdk/anthropic 3, @ai-sdk/openai-compatible 2)',
    skip: false,
    nestsEveryModelCall: true,
    genAIIntegration: false,
    load: async () => ({
      ai: await import('ai'),
      openai: await import('@ai-sdk/openai'),
      anthropic: await import('@ai-sdk/anthropic'),
      compatible: await import('@ai-sdk/openai-compatible'),
      telemetry: (enabled) => ({ isEnabled: enabled }),
    }),
  },
  {
    name: 'ai 7 (@ai-sdk/openai 4, @ai-sdk/anthropic 4, @ai-sdk/openai-compatible 3)',
    skip: nodeMajor < 22 ? `skipped: the AI SDK 7 line needs Node >= 22, this is Node ${process.versions.node}` : false,
    nestsEveryModelCall: false,
    genAIIntegration: true,
    load: async () => {
      const { LegacyOpenTelemetry, OpenTelemetry } = await import('@ai-sdk/otel');
      return {
        ai: (await import('ai-7')) as unknown as AiSdkModules['ai'],
        openai: (await import('ai-sdk-openai-4')) as unknown as AiSdkModules['openai'],
        anthropic: (await import('ai-sdk-anthropic-4')) as unknown as AiSdkModules['anthropic'],
        compatible: (await import('ai-sdk-openai-compatible-3')) as unknown as AiSdkModules['compatible'],
        // Per call, so that a call without it has no AI SDK spans (a registered integration is on for every call).
        telemetry: (enabled) => (enabled ? { isEnabled: true, integrations: new LegacyOpenTelemetry() } : { isEnabled: false }),
        genAITelemetry: () => ({ isEnabled: true, integrations: new OpenTelemetry() }),
      };
    },
  },
];

/** The line's modules, loaded before the suite's tests (and not at all when the suite is skipped). */
export function useAiSdk(line: AiSdkLine): () => AiSdkModules {
  let modules: AiSdkModules | undefined;
  beforeAll(async () => {
    modules = await line.load();
  });
  return () => {
    if (!modules) throw new Error(`${line.name} is not loaded`);
    return modules;
  };
}

/** The suite title: the line, and why it is skipped when it is. */
export const lineTitle = (line: AiSdkLine): string => (line.skip ? `${line.name} (${line.skip})` : line.name);
