import {
  GenAIInstrumentationBase,
  type GenAIBackend,
  type GenAIInstrumentationConfig,
  type ModulePatch,
  type SdkMembers,
  setConfiguredProviders,
  setModelCallMatcher,
} from '@llm-provenance/instrumentation-common';
import type { ExchangeTarget } from './exchange.js';
import { currentFetchBody, unwrapGlobalFetch, withFetchBody, wrapGlobalFetch } from './fetch-body.js';
import { HttpObserver } from './http-observer.js';
import type { ObserverHost } from './observer-host.js';
import { addRequestBodyReader, removeRequestBodyReader, type RequestBodyReader } from './request-clone.js';
import type { RouteProfile } from './profiles.js';
import { parseServersEnv, RouteTable, type InferenceServer } from './route-table.js';
import { UndiciObserver } from './undici-observer.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

/** Which base URL is which server (profile=url, comma-separated), e.g. `vllm=http://gpu1:8000,opea=http://gw:8888`. */
export const ENV_INFERENCE_SERVERS = 'LLM_PROVENANCE_INFERENCE_SERVERS';
/** The most bytes of one request or response body held while observing it. */
export const ENV_INFERENCE_MAX_BODY_BYTES = 'LLM_PROVENANCE_INFERENCE_MAX_BODY_BYTES';
/** Default bound of one observed body: 4 MiB. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface InferenceServersInstrumentationConfig extends GenAIInstrumentationConfig {
  /** Servers by base URL, besides those of `LLM_PROVENANCE_INFERENCE_SERVERS` (both apply). */
  servers?: InferenceServer[];
  /** Your own server kinds; a profile named like a built-in one replaces it. */
  profiles?: RouteProfile[];
  /** Trace routes that name their server by themselves on any host (default true). */
  recognizeRoutes?: boolean;
  /** The most bytes of one body held while observing it; default env `LLM_PROVENANCE_INFERENCE_MAX_BODY_BYTES`, else 4 MiB. */
  maxBodyBytes?: number;
}

/**
 * The `undici` package's `fetch`, like the global one, hands undici a stream in place of the body the app
 * gave, so it is surrounded to note an in-memory body (fetch-body.ts). Its other APIs need no patch.
 */
const UNDICI_MODULE: ModulePatch = {
  module: 'undici',
  versions: SUPPORTED_VERSIONS.undici,
  targets: (exports: SdkMembers | undefined) => [{ target: exports, methods: { fetch: { around: (_self, args, invoke) => withFetchBody(args, invoke) } } }],
};

/**
 * Traces HTTP calls to self-hosted inference servers (vLLM, OpenVINO Model Server, OPEA, REST model
 * servers, and any server a profile describes) whatever the client: global `fetch`, `undici`,
 * `node:http` / `node:https`. See the README, "How it works".
 */
export class InferenceServersInstrumentation extends GenAIInstrumentationBase<InferenceServersInstrumentationConfig> {
  static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [UNDICI_MODULE] };

  // Created lazily and declared only: InstrumentationBase's constructor calls enable() before subclass
  // fields would be defined, and defining them afterwards would reset what enable() set up.
  declare private _routes: RouteTable | undefined;
  declare private _target: ExchangeTarget | undefined;
  declare private _observers: { undici: UndiciObserver; http: HttpObserver } | undefined;
  declare private _listening: boolean | undefined;
  declare private _requestBodyReader: RequestBodyReader | undefined;

  constructor(config: InferenceServersInstrumentationConfig = {}) {
    super(config);
    // Resolve eagerly so a malformed server list fails here, with a message naming the entry.
    this.routes();
  }

  override enable(): void {
    super.enable();
    this.listen(true);
  }

  override disable(): void {
    super.disable();
    this.listen(false);
  }

  override setConfig(config: InferenceServersInstrumentationConfig = {}): void {
    const routes = buildRoutes(config);
    super.setConfig(config);
    this.useRoutes(routes);
    this._target = undefined;
  }

  private routes(): RouteTable {
    return this._routes ?? this.useRoutes(buildRoutes(this.getConfig()));
  }

  /**
   * The configured servers also name the provider of SDK clients pointed at them (the openai SDK at a
   * vLLM says `vllm`), so the one span such a call gets says which server answered it.
   */
  private useRoutes(routes: RouteTable): RouteTable {
    this._routes = routes;
    setConfiguredProviders(this, routes.configuredProviders);
    // Whether enabled or not: attribution must not travel to a model server on one of these routes.
    setModelCallMatcher(this, (method, origin, path) => routes.match(method, origin, path) !== undefined);
    return routes;
  }

  private listen(on: boolean): void {
    if (on === !!this._listening) return;
    const observers = (this._observers ??= this.makeObservers());
    if (on) {
      observers.undici.subscribe();
      observers.http.subscribe();
      addRequestBodyReader(this.requestBodyReader);
      wrapGlobalFetch(this);
    } else {
      observers.undici.unsubscribe();
      observers.http.unsubscribe();
      removeRequestBodyReader(this.requestBodyReader);
      unwrapGlobalFetch(this);
    }
    this._listening = on;
  }

  /** A `fetch(request)` body is read (from the request's clone) for a request an observer will trace. */
  private get requestBodyReader(): RequestBodyReader {
    return (this._requestBodyReader ??= {
      wants: (method, url) => {
        if (!this.exchangeTarget()) return false;
        const parsed = URL.canParse(url) ? new URL(url) : undefined;
        return !!parsed && this.routes().match(method, parsed.origin, parsed.pathname + parsed.search) !== undefined;
      },
      maxBodyBytes: () => this.exchangeTarget()?.maxBodyBytes ?? 0,
    });
  }

  private makeObservers(): { undici: UndiciObserver; http: HttpObserver } {
    const host: ObserverHost = {
      target: () => this.exchangeTarget(),
      get routes() {
        return routes();
      },
      fetchBody: currentFetchBody,
    };
    const routes = (): RouteTable => this.routes();
    return { undici: new UndiciObserver(host), http: new HttpObserver(host) };
  }

  private exchangeTarget(): ExchangeTarget | undefined {
    if (!this.isEnabled()) return undefined;
    if (this._target) return this._target;
    try {
      return (this._target = { tracer: this.tracer, policy: this.genAIPolicy, errors: this.internalErrors, maxBodyBytes: maxBodyBytes(this.getConfig()) });
    } catch (err) {
      this.internalErrors.report('policy', err);
      return undefined;
    }
  }

  override setTracerProvider(...args: Parameters<GenAIInstrumentationBase['setTracerProvider']>): void {
    super.setTracerProvider(...args);
    this._target = undefined;
  }
}

function buildRoutes(config: InferenceServersInstrumentationConfig | undefined): RouteTable {
  const servers = [...parseServersEnv(process.env[ENV_INFERENCE_SERVERS]), ...(config?.servers ?? [])];
  return new RouteTable(servers, config?.profiles ?? [], config?.recognizeRoutes !== false);
}

function maxBodyBytes(config: InferenceServersInstrumentationConfig): number {
  if (typeof config.maxBodyBytes === 'number' && config.maxBodyBytes > 0) return config.maxBodyBytes;
  const env = Number(process.env[ENV_INFERENCE_MAX_BODY_BYTES]);
  return Number.isFinite(env) && env > 0 ? env : DEFAULT_MAX_BODY_BYTES;
}
