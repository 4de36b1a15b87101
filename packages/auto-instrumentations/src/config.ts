import path from 'node:path';
import { diag } from '@opentelemetry/api';
import type { OtlpOptions, OtlpProtocol, StartOptions, StoreOptions } from './options.js';

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
  otlp: false | (OtlpOptions & { protocol: OtlpProtocol });
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
const PROTOCOLS: readonly OtlpProtocol[] = ['http/protobuf', 'http/json'];
const TRACES_EXPORTERS = ['otlp', 'console', 'none'] as const;

type Env = Record<string, string | undefined>;

/** Combines `options` (wins), environment variables and defaults. Throws ConfigError on unusable values. */
export function resolveConfig(options: StartOptions = {}, env: Env = options.env ?? process.env): ResolvedConfig {
  const disabled = options.disabled ?? readBoolean(env, 'OTEL_SDK_DISABLED', false);
  const exporters = readTracesExporters(env);

  let otlp: ResolvedConfig['otlp'] = false;
  if (options.otlp !== undefined) {
    otlp = options.otlp === false ? false : { ...options.otlp, protocol: checkProtocol(options.otlp.protocol ?? readProtocol(env), 'options.otlp.protocol') };
  } else if (otlpRequestedByEnv(env, exporters)) {
    otlp = { protocol: readProtocol(env) };
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

function readProtocol(env: Env): OtlpProtocol {
  const tracesProtocol = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL);
  if (tracesProtocol !== undefined) return checkProtocol(tracesProtocol, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL');
  const protocol = nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL);
  if (protocol !== undefined) return checkProtocol(protocol, 'OTEL_EXPORTER_OTLP_PROTOCOL');
  return 'http/protobuf';
}

function checkProtocol(value: string, source: string): OtlpProtocol {
  if ((PROTOCOLS as readonly string[]).includes(value)) return value as OtlpProtocol;
  throw new ConfigError(`${source}: unsupported OTLP protocol "${value}" (supported: ${PROTOCOLS.join(', ')})`);
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
