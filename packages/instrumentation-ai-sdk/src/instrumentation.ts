import { GenAIInstrumentationBase, setModelCallMatcher, type GenAIBackend, type GenAIInstrumentationConfig } from '@llm-provenance/instrumentation-common';
import {
  currentFetchBody,
  DEFAULT_MAX_BODY_BYTES,
  ENV_INFERENCE_MAX_BODY_BYTES,
  UndiciObserver,
  unwrapGlobalFetch,
  wrapGlobalFetch,
  type ExchangeTarget,
} from '@llm-provenance/instrumentation-inference-servers';
import { AI_SDK_REQUESTS } from './ai-sdk-requests.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export type AiSdkInstrumentationConfig = GenAIInstrumentationConfig;

/**
 * Observed before the inference-servers route table: a request both recognise (the AI SDK's
 * OpenAI-compatible provider pointed at a configured vLLM) is this instrumentation's, mapped as the
 * openai instrumentation maps it, and the provider still comes from the configuration.
 */
const PRIORITY = 1;

/**
 * Traces the Vercel AI SDK's model calls (`generateText`, `streamText`, `generateObject`, `streamObject`,
 * `embed`, `embedMany`, every step of a multi-step run) where they leave the process: the HTTP requests
 * its OpenAI and OpenAI-compatible providers send with global `fetch`, observed through undici's
 * diagnostics channels as the inference-servers instrumentation observes them. One GenAI CLIENT span per
 * request, with the openai instrumentation's mapping. See the README.
 */
export class AiSdkInstrumentation extends GenAIInstrumentationBase<AiSdkInstrumentationConfig> {
  // Nothing to patch: the providers' requests are seen on undici's diagnostics channels.
  static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [] };

  // Declared only: InstrumentationBase's constructor calls enable() before subclass fields would be defined.
  declare private _observer: UndiciObserver | undefined;
  declare private _target: ExchangeTarget | undefined;
  declare private _listening: boolean | undefined;

  override enable(): void {
    super.enable();
    this.listen(true);
    // Whether enabled or not: attribution must not travel with an AI SDK provider's request, whatever its
    // base URL (the host alone does not tell a model server pointed at by a custom baseURL).
    setModelCallMatcher(this, isAiSdkModelCall);
  }

  override disable(): void {
    super.disable();
    this.listen(false);
  }

  override setTracerProvider(...args: Parameters<GenAIInstrumentationBase['setTracerProvider']>): void {
    super.setTracerProvider(...args);
    this._target = undefined;
  }

  override setConfig(config: AiSdkInstrumentationConfig = {}): void {
    super.setConfig(config);
    this._target = undefined;
  }

  private listen(on: boolean): void {
    if (on === !!this._listening) return;
    const observer = (this._observer ??= new UndiciObserver(
      { target: () => this.exchangeTarget(), routes: AI_SDK_REQUESTS, fetchBody: currentFetchBody },
      PRIORITY,
    ));
    if (on) {
      observer.subscribe();
      wrapGlobalFetch(this);
    } else {
      observer.unsubscribe();
      unwrapGlobalFetch(this);
    }
    this._listening = on;
  }

  private exchangeTarget(): ExchangeTarget | undefined {
    if (!this.isEnabled()) return undefined;
    if (this._target) return this._target;
    try {
      return (this._target = { tracer: this.tracer, policy: this.genAIPolicy, errors: this.internalErrors, maxBodyBytes: maxBodyBytes() });
    } catch (err) {
      this.internalErrors.report('policy', err);
      return undefined;
    }
  }
}

function isAiSdkModelCall(method: string, origin: string, path: string, header?: (name: string) => string | undefined): boolean {
  return AI_SDK_REQUESTS.match(method, origin, path, header) !== undefined;
}

/** The bound of one observed body: the inference-servers instrumentation's (env `LLM_PROVENANCE_INFERENCE_MAX_BODY_BYTES`, else 4 MiB). */
function maxBodyBytes(): number {
  const env = Number(process.env[ENV_INFERENCE_MAX_BODY_BYTES]);
  return Number.isFinite(env) && env > 0 ? env : DEFAULT_MAX_BODY_BYTES;
}
