import { InstrumentationBase, isWrapped, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { resolveCaptureContent } from './capture-policy.js';
import type { GenAIPolicy } from './genai-span.js';
import { InternalErrorReporter } from './internal-errors.js';
import { resolvePriceTable, type PriceTable } from './pricing.js';
import { traceGenAICall, type TraceCallOptions } from './trace-call.js';

/** Options every llm-provenance GenAI instrumentation accepts (besides OTel's `enabled`). */
export interface GenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Record prompts and completions on spans. Default: env
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`, else true (provenance is the point).
   */
  captureMessageContent?: boolean;
  /** Prices merged over the built-in table and the `LLM_PROVENANCE_PRICE_TABLE` file. */
  priceTable?: PriceTable;
  /** Forces `gen_ai.provider.name` for every span of this instrumentation. */
  providerName?: string;
}

/**
 * Base class of the backend instrumentations. A backend implements `init()` (module definitions and
 * patch points, as with any OTel instrumentation) and, in each patched method, calls
 * `this.traceGenAICall({ request, invoke, response, stream })` with its mappers.
 */
export abstract class GenAIInstrumentationBase<
  C extends GenAIInstrumentationConfig = GenAIInstrumentationConfig,
> extends InstrumentationBase<C> {
  // No initialisers on these fields: InstrumentationBase's constructor runs init()/enable() before
  // subclass initialisers would run, so everything here is created lazily or in setConfig().
  private _genAIPolicy?: GenAIPolicy;
  private _internalErrors?: InternalErrorReporter;

  constructor(instrumentationName: string, instrumentationVersion: string, config: C = {} as C) {
    super(instrumentationName, instrumentationVersion, config);
    // Resolve eagerly so a malformed `priceTable` option fails here, with a message naming the entry.
    this._genAIPolicy = this.resolvePolicy(this.getConfig());
  }

  override setConfig(config: C = {} as C): void {
    const policy = this.resolvePolicy(config);
    super.setConfig(config);
    this._genAIPolicy = policy;
  }

  /** Capture policy, price table and provider override currently in force. */
  protected get genAIPolicy(): GenAIPolicy {
    if (!this._genAIPolicy) this._genAIPolicy = this.resolvePolicy(this.getConfig());
    return this._genAIPolicy;
  }

  /** Reports our own failures once each through this instrumentation's diag logger. */
  protected get internalErrors(): InternalErrorReporter {
    if (!this._internalErrors) this._internalErrors = new InternalErrorReporter(this._diag);
    return this._internalErrors;
  }

  /** See `traceGenAICall`; tracer, policy and error reporter come from this instrumentation. */
  protected traceGenAICall<TResult>(options: Omit<TraceCallOptions<TResult>, 'tracer' | 'policy' | 'errors'>): TResult {
    let policy: GenAIPolicy;
    try {
      policy = this.genAIPolicy;
    } catch (err) {
      this.internalErrors.report('policy', err);
      return options.invoke();
    }
    return traceGenAICall({ ...options, tracer: this.tracer, policy, errors: this.internalErrors });
  }

  /**
   * Wraps `target[name]` with `wrapper`, unwrapping an earlier wrap first: never twice, or every call
   * would get two spans (a module can be patched again, e.g. through a second entry file). Skips a
   * missing target or a method this SDK version does not have.
   */
  protected _rewrap(target: any, name: string, wrapper: (original: (...args: any[]) => any) => (...args: any[]) => any): void {
    if (typeof target?.[name] !== 'function') return;
    if (isWrapped(target[name])) this._unwrap(target, name);
    this._wrap(target, name, wrapper);
  }

  /** Unwraps each of `names` on `target` that is wrapped (a missing target has none). */
  protected _unwrapAll(target: any, names: readonly string[]): void {
    if (!target) return;
    for (const name of names) if (isWrapped(target[name])) this._unwrap(target, name);
  }

  private resolvePolicy(config: C | undefined): GenAIPolicy {
    const cfg = config ?? ({} as C);
    return {
      captureContent: resolveCaptureContent(cfg.captureMessageContent),
      priceTable: resolvePriceTable(cfg.priceTable),
      ...(typeof cfg.providerName === 'string' && cfg.providerName !== '' ? { providerName: cfg.providerName } : {}),
    };
  }
}
