import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveConfig } from '@llm-provenance/auto-instrumentations';

const defaults = {
  disabled: false,
  serviceName: undefined,
  store: { dir: path.resolve('.llm-provenance') },
  otlp: false,
  console: false,
  enabledInstrumentations: undefined,
  disabledInstrumentations: undefined,
  exitHooks: true,
  shutdownTimeoutMillis: 500,
  shutdownBudgetMillis: 1000,
};

describe('resolveConfig', () => {
  it('defaults to the store in ./.llm-provenance and no OTLP export when nothing is set', () => {
    expect(resolveConfig({}, {})).toEqual(defaults);
  });

  it('turns OTLP/protobuf on when an OTLP endpoint is configured', () => {
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({
      ...defaults,
      otlp: { protocol: 'http/protobuf' },
    });
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }).otlp).toEqual({
      protocol: 'http/protobuf',
    });
  });

  it('uses http/json when asked, the traces-specific protocol winning over the general one', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    expect(resolveConfig({}, env).otlp).toEqual({ protocol: 'http/json' });
    expect(resolveConfig({}, { ...env, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).otlp).toEqual({
      protocol: 'http/protobuf',
    });
  });

  it('honours OTEL_TRACES_EXPORTER otlp, console and none', () => {
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({ otlp: { protocol: 'http/protobuf' }, console: false });
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: 'console' })).toMatchObject({ otlp: false, console: true });
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: ' OTLP , console ' })).toMatchObject({ otlp: { protocol: 'http/protobuf' }, console: true });
    // none wins over an endpoint, but leaves the store alone (LLM_PROVENANCE_STORE controls that).
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' })).toEqual(defaults);
  });

  it('rejects exporters and protocols it cannot serve, naming the variable and value', () => {
    expect(() => resolveConfig({}, { OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      new ConfigError('OTEL_TRACES_EXPORTER: unsupported exporter "zipkin" (supported: otlp, console, none)'),
    );
    expect(() => resolveConfig({}, { OTEL_TRACES_EXPORTER: 'none,console' })).toThrow(
      'OTEL_TRACES_EXPORTER: "none" cannot be combined with other exporters (got "none,console")',
    );
    expect(() => resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(
      'OTEL_EXPORTER_OTLP_PROTOCOL: unsupported OTLP protocol "grpc" (supported: http/protobuf, http/json)',
    );
    expect(() => resolveConfig({ otlp: { protocol: 'grpc' as 'http/json' } }, {})).toThrow(
      'options.otlp.protocol: unsupported OTLP protocol "grpc" (supported: http/protobuf, http/json)',
    );
  });

  it('reads the store switch and directory', () => {
    expect(resolveConfig({}, { LLM_PROVENANCE_STORE: 'off' }).store).toBe(false);
    expect(resolveConfig({}, { LLM_PROVENANCE_STORE: 'OFF' }).store).toBe(false);
    expect(resolveConfig({}, { LLM_PROVENANCE_STORE: 'on', LLM_PROVENANCE_DIR: 'audit/store' }).store).toEqual({
      dir: path.resolve('audit/store'),
    });
    expect(() => resolveConfig({}, { LLM_PROVENANCE_STORE: 'maybe' })).toThrow('LLM_PROVENANCE_STORE: expected on or off, got "maybe"');
  });

  it('lets code options override the environment', () => {
    const env = { LLM_PROVENANCE_STORE: 'on', LLM_PROVENANCE_DIR: '/tmp/env-dir', OTEL_TRACES_EXPORTER: 'console', OTEL_SDK_DISABLED: 'true' };
    expect(
      resolveConfig(
        {
          disabled: false,
          serviceName: 'billing',
          store: { dir: '/tmp/code-dir' },
          otlp: { url: 'http://127.0.0.1:9/v1/traces', protocol: 'http/json' },
          console: false,
          exitHooks: false,
          shutdownTimeoutMillis: 250,
          enabledInstrumentations: ['openai'],
        },
        env,
      ),
    ).toEqual({
      ...defaults,
      serviceName: 'billing',
      store: { dir: '/tmp/code-dir' },
      otlp: { url: 'http://127.0.0.1:9/v1/traces', protocol: 'http/json' },
      enabledInstrumentations: ['openai'],
      exitHooks: false,
      shutdownTimeoutMillis: 250,
    });
    expect(resolveConfig({ store: false }, env).store).toBe(false);
  });

  it('reads OTEL_SDK_DISABLED the OTel way: only "true" disables', () => {
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: 'TRUE' }).disabled).toBe(true);
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: 'false' }).disabled).toBe(false);
    expect(resolveConfig({}, { OTEL_SDK_DISABLED: '1' }).disabled).toBe(false);
  });

  it('reads instrumentation selections, exit hooks, the store shutdown timeout and the shutdown budget', () => {
    expect(
      resolveConfig(
        {},
        {
          OTEL_NODE_ENABLED_INSTRUMENTATIONS: ' OpenAI , anthropic',
          OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'groq',
          LLM_PROVENANCE_EXIT_HOOKS: 'off',
          LLM_PROVENANCE_SHUTDOWN_TIMEOUT_MS: '1500',
          LLM_PROVENANCE_SHUTDOWN_BUDGET_MS: '3000',
        },
      ),
    ).toEqual({
      ...defaults,
      enabledInstrumentations: ['openai', 'anthropic'],
      disabledInstrumentations: ['groq'],
      exitHooks: false,
      shutdownTimeoutMillis: 1500,
      shutdownBudgetMillis: 3000,
    });
    expect(() => resolveConfig({}, { LLM_PROVENANCE_SHUTDOWN_BUDGET_MS: '0' })).toThrow(
      'LLM_PROVENANCE_SHUTDOWN_BUDGET_MS: expected a positive whole number of milliseconds, got "0"',
    );
    expect(() => resolveConfig({}, { LLM_PROVENANCE_SHUTDOWN_TIMEOUT_MS: '2s' })).toThrow(
      'LLM_PROVENANCE_SHUTDOWN_TIMEOUT_MS: expected a positive whole number of milliseconds, got "2s"',
    );
    expect(() => resolveConfig({ shutdownTimeoutMillis: -1 }, {})).toThrow('options.shutdownTimeoutMillis must be a positive number of milliseconds, got -1');
  });
});
