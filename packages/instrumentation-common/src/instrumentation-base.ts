import type { Meter, TracerProvider } from '@opentelemetry/api';
import { InstrumentationBase, type InstrumentationConfig, type InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { resolveCaptureContent } from './capture-policy.js';
import { GenAIMetrics } from './genai-metrics.js';
import type { GenAIPolicy, GenAIRequest } from './genai-span.js';
import { InternalErrorReporter } from './internal-errors.js';
import { moduleDefinitions, type PatchableFunction, type Wrapper } from './module-patching.js';
import type { ModulePatch, TracedMethod } from './patch-list.js';
import type { PatchHost } from './patched-method.js';
import { resolvePriceTable, type PriceTable } from './pricing.js';
import { startTracedCall, traceGenAICall, type TraceCallOptions, type TraceTarget } from './trace-call.js';
import type { TracedCall } from './traced-call.js';

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

/** What a backend instrumentation is: its OTel scope (npm package name and version) and what it patches. */
export interface GenAIBackend {
  /** The instrumentation package's name, e.g. '@llm-provenance/instrumentation-groq'. */
  name: string;
  version: string;
  /** The declarative list of what to patch and how each method maps (see patch-list.ts). */
  modules: readonly ModulePatch[];
}

/**
 * Base class of the backend instrumentations. A backend declares itself in a static `backend` field and
 * writes no code of its own:
 *
 *     export class GroqInstrumentation extends GenAIInstrumentationBase<GroqInstrumentationConfig> {
 *       static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [GROQ_MODULE] };
 *     }
 *
 * Module definitions, wrapping, unwrapping and the span around every call are done here. The
 * declaration is static because OTel's InstrumentationBase asks for the module definitions (`init()`)
 * from inside its constructor, before any instance field of a subclass exists.
 */
export abstract class GenAIInstrumentationBase<C extends GenAIInstrumentationConfig = GenAIInstrumentationConfig> extends InstrumentationBase<C> {
  // No initialisers on these fields: InstrumentationBase's constructor runs init()/enable() before
  // subclass initialisers would run, so everything here is created lazily or in setConfig().
  private _genAIPolicy?: GenAIPolicy;
  private _internalErrors?: InternalErrorReporter;
  /** Tracer, policy and reporter of every call, made once; dropped when either changes. */
  private _traceTarget?: TraceTarget;
  /** The GenAI metric instruments, on this instrumentation's meter (OTel's: the global MeterProvider's unless set). */
  private _genAIMetrics?: GenAIMetrics;

  /** Set by every backend class. */
  static readonly backend?: GenAIBackend;

  constructor(config: C = {} as C) {
    const backend = backendOf(new.target);
    super(backend.name, backend.version, config);
    // Resolve eagerly so a malformed `priceTable` option fails here, with a message naming the entry.
    this._genAIPolicy = this.resolvePolicy(this.getConfig());
  }

  protected init(): InstrumentationModuleDefinition[] {
    const wrapper: Wrapper = {
      wrap: (target, name, wrap) => this._wrap(target as Record<string, PatchableFunction>, name, wrap),
      unwrap: (target, name) => this._unwrap(target as Record<string, PatchableFunction>, name),
    };
    return moduleDefinitions(backendOf(this.constructor).modules, this.patchHost(), wrapper, this._diag);
  }

  override setConfig(config: C = {} as C): void {
    const policy = this.resolvePolicy(config);
    super.setConfig(config);
    this._genAIPolicy = policy;
    this._traceTarget = undefined;
  }

  override setTracerProvider(tracerProvider: TracerProvider): void {
    super.setTracerProvider(tracerProvider);
    this._traceTarget = undefined;
  }

  /**
   * OTel calls this when the instrumentation gets a MeterProvider (and from its own constructor, before
   * this class's fields exist: the instruments are then made on first use, from the same meter).
   */
  protected override _updateMetricInstruments(): void {
    this._genAIMetrics?.useMeter(this.meter);
  }

  /** Made on first use: undefined only inside InstrumentationBase's constructor (its `setConfig` runs before the meter exists). */
  private genAIMetrics(): GenAIMetrics | undefined {
    const meter = this.meter as Meter | undefined;
    if (!meter) return undefined;
    return (this._genAIMetrics ??= new GenAIMetrics(meter));
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

  /** See `traceGenAICall`, for a call no declared method covers; tracer, policy and error reporter come from here. */
  protected traceGenAICall<TResult>(options: Omit<TraceCallOptions<TResult>, keyof TraceTarget>): TResult {
    const target = this.traceTarget();
    return target ? traceGenAICall({ ...options, ...target }) : options.invoke();
  }

  /** What the patched methods of this instrumentation call back into. */
  private patchHost(): PatchHost {
    const errors = (): InternalErrorReporter => this.internalErrors;
    return {
      isEnabled: () => this.isEnabled(),
      get errors() {
        return errors();
      },
      startCall: (method: TracedMethod, request: GenAIRequest, args: unknown[]): TracedCall | undefined => {
        const target = this.traceTarget();
        return target && startTracedCall(target, method, request, args);
      },
    };
  }

  private traceTarget(): TraceTarget | undefined {
    if (this._traceTarget) return this._traceTarget;
    try {
      return (this._traceTarget = { tracer: this.tracer, policy: this.genAIPolicy, errors: this.internalErrors });
    } catch (err) {
      this.internalErrors.report('policy', err);
      return undefined;
    }
  }

  private resolvePolicy(config: C | undefined): GenAIPolicy {
    const cfg = config ?? ({} as C);
    return {
      captureContent: resolveCaptureContent(cfg.captureMessageContent),
      priceTable: resolvePriceTable(cfg.priceTable),
      ...(typeof cfg.providerName === 'string' && cfg.providerName !== '' ? { providerName: cfg.providerName } : {}),
      metrics: this.genAIMetrics(),
    };
  }
}

function backendOf(constructor: unknown): GenAIBackend {
  const backend = (constructor as { backend?: GenAIBackend }).backend;
  if (!backend) throw new TypeError(`${(constructor as { name?: string }).name ?? 'the instrumentation class'} declares no static \`backend\``);
  return backend;
}
