import path from 'node:path';
import { diag } from '@opentelemetry/api';
import type { OtlpCompression, OtlpProtocol, ResolvedOtlpOptions, StartOptions, StoreOptions } from './options.js';

/** A configuration value that cannot be used; the message names the variable or option and the value. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The configuration after options, environment variables and defaults are combined. */
export interface ResolvedConfig {
  disabled: boolean;
  /** service.name given in code; env/package fallbacks are applied by the resource (see resource.ts). */
  serviceName: string | undefined;
  store: false | (StoreOptions & { dir: string });
  otlp: false | ResolvedOtlpOptions;
  console: boolean;
  enabledInstrumentations: string[] | undefined;
  disabledInstrumentations: string[] | undefined;
  exitHooks: boolean;
  /** The store's share of shutdown: written, checkpointed and closed within this (LLM_PROVENANCE_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMillis: number;
  /** All of shutdown; forwarding (OTLP, console) gets what the store leaves of it (LLM_PROVENANCE_SHUTDOWN_BUDGET_MS). */
  shutdownBudgetMillis: number;
}

export const DEFAULT_STORE_DIR = '.llm-provenance';
export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 500;
export const DEFAULT_SHUTDOWN_BUDGET_MILLIS = 1000;
const PROTOCOLS: readonly OtlpProtocol[] = ['grpc', 'http/protobuf', 'http/json'];
const COMPRESSIONS: readonly OtlpCompression[] = ['gzip', 'none'];
/** The spec's default endpoints (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#endpoint-urls-for-otlphttp). */
export const DEFAULT_OTLP_GRPC_ENDPOINT = 'http://localhost:4317';
export const DEFAULT_OTLP_HTTP_ENDPOINT = 'http://localhost:4318';
const HTTP_TRACES_PATH = 'v1/traces';
const TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;

type Env = Record<string, string | undefined>;

/** Combines `options` (wins), environment variables and defaults. Throws ConfigError on unusable values. */
export function resolveConfig(options: StartOptions = {}, env: Env = options.env ?? process.env): ResolvedConfig {
  const disabled = options.disabled ?? readBoolean(env, 'OTEL_SDK_DISABLED', false);
  const exporters = readTracesExporters(env);

  let otlp: ResolvedConfig['otlp'] = false;
  if (options.otlp !== undefined) {
    otlp = options.otlp === false ? false : resolveOtlp(options.otlp, env);
  } else if (otlpRequestedByEnv(env, exporters)) {
    otlp = resolveOtlp({}, env);
  }

  let store: ResolvedConfig['store'] = false;
  if (options.store !== false && (options.store !== undefined || readOnOff(env, 'LLM_PROVENANCE_STORE', true))) {
    const dir = options.store?.dir ?? nonEmpty(env.LLM_PROVENANCE_DIR) ?? DEFAULT_STORE_DIR;
    store = { ...options.store, dir: path.resolve(dir) };
  }

  const shutdownTimeoutMillis =
    options.shutdownTimeoutMillis ?? readPositiveInteger(env, 'LLM_PROVENANCE_SHUTDOWN_TIMEOUT_MS', DEFAULT_SHUTDOWN_TIMEOUT_MILLIS);
  if (!Number.isFinite(shutdownTimeoutMillis) || shutdownTimeoutMillis <= 0) {
    throw new ConfigError(`options.shutdownTimeoutMillis must be a positive number of milliseconds, got ${shutdownTimeoutMillis}`);
  }
  const shutdownBudgetMillis = options.shutdownBudgetMillis ?? readPositiveInteger(env, 'LLM_PROVENANCE_SHUTDOWN_BUDGET_MS', DEFAULT_SHUTDOWN_BUDGET_MILLIS);
  if (!Number.isFinite(shutdownBudgetMillis) || shutdownBudgetMillis <= 0) {
    throw new ConfigError(`options.shutdownBudgetMillis must be a positive number of milliseconds, got ${shutdownBudgetMillis}`);
  }

  return {
    disabled,
    serviceName: options.serviceName,
    store,
    otlp,
    console: options.console ?? exporters.includes('console'),
    enabledInstrumentations: options.enabledInstrumentations ?? readList(env, 'OTEL_NODE_ENABLED_INSTRUMENTATIONS'),
    disabledInstrumentations: options.disabledInstrumentations ?? readList(env, 'OTEL_NODE_DISABLED_INSTRUMENTATIONS'),
    exitHooks: options.exitHooks ?? readOnOff(env, 'LLM_PROVENANCE_EXIT_HOOKS', true),
    shutdownTimeoutMillis,
    shutdownBudgetMillis,
  };
}

/**
 * OTLP is on when OTEL_TRACES_EXPORTER names it, or when it is unset and an OTLP endpoint is configured.
 * Unlike the bare NodeSDK we do not default to OTLP on localhost:4318: the store is our default sink,
 * and exporting to a collector nobody started would only log connection errors.
 */
function otlpRequestedByEnv(env: Env, exporters: readonly string[]): boolean {
  if (exporters.length > 0) return exporters.includes('otlp');
  return nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined || nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) !== undefined;
}

function readTracesExporters(env: Env): string[] {
  const names = [...new Set(readList(env, 'OTEL_TRACES_EXPORTER') ?? [])].filter((name) => name !== 'null');
  for (const name of names) {
    if (!(TRACES_EXPORTERS as readonly string[]).includes(name)) {
      throw new ConfigError(`OTEL_TRACES_EXPORTER: unsupported exporter "${name}" (supported: ${TRACES_EXPORTERS.join(', ')})`);
    }
  }
  if (names.includes('none') && names.length > 1) {
    throw new ConfigError(`OTEL_TRACES_EXPORTER: "none" cannot be combined with other exporters (got "${env.OTEL_TRACES_EXPORTER}")`);
  }
  return names;
}

/**
 * The transport, the endpoint and the compression from the options, else the traces-specific variable, else
 * the general one (https://opentelemetry.io/docs/specs/otel/protocol/exporter/#configuration-options).
 * Headers and the timeout are left to the exporter, which reads the same variables.
 */
function resolveOtlp(options: Exclude<StartOptions['otlp'], false | undefined>, env: Env): ResolvedOtlpOptions {
  const protocol =
    options.protocol !== undefined
      ? checkChoice(options.protocol, PROTOCOLS, 'options.otlp.protocol', 'OTLP protocol')
      : (readChoice(env, 'PROTOCOL', PROTOCOLS, 'OTLP protocol') ?? 'http/protobuf');
  const compression =
    options.compression !== undefined
      ? checkChoice(options.compression, COMPRESSIONS, 'options.otlp.compression', 'OTLP compression')
      : readChoice(env, 'COMPRESSION', COMPRESSIONS, 'OTLP compression');
  const url = options.url ?? endpointFromEnv(protocol, env);
  if (protocol !== 'grpc') checkHttpUrl(url, options.url !== undefined ? 'options.otlp.url' : endpointSource(env));
  return { ...options, protocol, url, ...(compression !== undefined ? { compression } : {}) };
}

/**
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is used as is. OTEL_EXPORTER_OTLP_ENDPOINT is a base URL: over HTTP the
 * signal's path `v1/traces` is appended to it (after a `/` if it has none); over gRPC it is used as is.
 * Neither set: the default port of the transport, 4317 for gRPC, 4318 (+ /v1/traces) for HTTP.
 */
function endpointFromEnv(protocol: OtlpProtocol, env: Env): string {
  const tracesEndpoint = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (tracesEndpoint !== undefined) return tracesEndpoint;
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? (protocol === 'grpc' ? DEFAULT_OTLP_GRPC_ENDPOINT : DEFAULT_OTLP_HTTP_ENDPOINT);
  if (protocol === 'grpc') return base;
  return `${base.endsWith('/') ? base : `${base}/`}${HTTP_TRACES_PATH}`;
}

function endpointSource(env: Env): string {
  if (nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) !== undefined) return 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT';
  return 'OTEL_EXPORTER_OTLP_ENDPOINT';
}

function checkHttpUrl(url: string, source: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:') {
    throw new ConfigError(`${source}: an OTLP/HTTP endpoint must be an http:// or https:// URL, got "${url}"`);
  }
}

/** OTEL_EXPORTER_OTLP_TRACES_<setting>, else OTEL_EXPORTER_OTLP_<setting>, checked against `choices`. */
function readChoice<T extends string>(env: Env, setting: string, choices: readonly T[], what: string): T | undefined {
  for (const name of [`OTEL_EXPORTER_OTLP_TRACES_${setting}`, `OTEL_EXPORTER_OTLP_${setting}`]) {
    const value = nonEmpty(env[name]);
    if (value !== undefined) return checkChoice(value, choices, name, what);
  }
  return undefined;
}

function checkChoice<T extends string>(value: string, choices: readonly T[], source: string, what: string): T {
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new ConfigError(`${source}: unsupported ${what} "${value}" (supported: ${choices.join(', ')})`);
}

function readList(env: Env, name: string): string[] | undefined {
  const value = nonEmpty(env[name]);
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item.length > 0);
}

/** OTel's boolean rule: only "true" (any case) is true; anything else but "false"/empty is warned about. */
function readBoolean(env: Env, name: string, fallback: boolean): boolean {
  const value = nonEmpty(env[name])?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value !== 'false') diag.warn(`${name}: expected true or false, got "${env[name]}"; treating it as false`);
  return false;
}

function readOnOff(env: Env, name: string, fallback: boolean): boolean {
  const value = nonEmpty(env[name])?.toLowerCase();
  if (value === undefined) return fallback;
  if (['on', 'true', '1'].includes(value)) return true;
  if (['off', 'false', '0'].includes(value)) return false;
  throw new ConfigError(`${name}: expected on or off, got "${env[name]}"`);
}

function readPositiveInteger(env: Env, name: string, fallback: number): number {
  const value = nonEmpty(env[name]);
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new ConfigError(`${name}: expected a positive whole number of milliseconds, got "${value}"`);
  }
  return parsed;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
