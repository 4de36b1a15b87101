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

  it('turns OTLP/protobuf on when an OTLP endpoint is configured, appending v1/traces to the base URL only', () => {
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toEqual({
      ...defaults,
      otlp: { protocol: 'http/protobuf', url: 'http://127.0.0.1:4318/v1/traces' },
    });
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.example:4318/base/' }).otlp).toEqual({
      protocol: 'http/protobuf',
      url: 'https://collector.example:4318/base/v1/traces',
    });
    // The traces-specific endpoint is used as is, and wins over the general one.
    expect(
      resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/custom', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://other:4318' }).otlp,
    ).toEqual({ protocol: 'http/protobuf', url: 'http://127.0.0.1:4318/custom' });
  });

  it('uses http/json or grpc when asked, the traces-specific protocol winning over the general one', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    expect(resolveConfig({}, env).otlp).toEqual({ protocol: 'http/json', url: 'http://x:4318/v1/traces' });
    expect(resolveConfig({}, { ...env, OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' }).otlp).toEqual({
      protocol: 'http/protobuf',
      url: 'http://x:4318/v1/traces',
    });
    // gRPC takes the endpoint as is: no signal path.
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }).otlp).toEqual({
      protocol: 'grpc',
      url: 'http://x:4317',
    });
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).otlp).toEqual({
      protocol: 'grpc',
      url: 'collector:4317',
    });
  });

  it('sends to the default endpoint of the transport when OTEL_TRACES_EXPORTER=otlp names none: 4317 for gRPC, 4318/v1/traces for HTTP', () => {
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp' }).otlp).toEqual({ protocol: 'http/protobuf', url: 'http://localhost:4318/v1/traces' });
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).otlp).toEqual({
      protocol: 'http/json',
      url: 'http://localhost:4318/v1/traces',
    });
    expect(resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).otlp).toEqual({
      protocol: 'grpc',
      url: 'http://localhost:4317',
    });
    expect(resolveConfig({ otlp: { protocol: 'grpc' } }, {}).otlp).toEqual({ protocol: 'grpc', url: 'http://localhost:4317' });
  });

  it('reads the compression, the traces-specific variable winning; headers and the timeout are left to the exporter', () => {
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }).otlp).toEqual({
      protocol: 'http/protobuf',
      url: 'http://x:4318/v1/traces',
      compression: 'gzip',
    });
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' };
    expect(resolveConfig({}, env).otlp).toMatchObject({ compression: 'none' });
    expect(resolveConfig({ otlp: { compression: 'gzip' } }, env).otlp).toMatchObject({ compression: 'gzip' });
    expect(resolveConfig({}, { ...env, OTEL_EXPORTER_OTLP_HEADERS: 'a=b', OTEL_EXPORTER_OTLP_TIMEOUT: '5000' }).otlp).toEqual({
      protocol: 'http/protobuf',
      url: 'http://x:4318/v1/traces',
      compression: 'none',
    });
  });

  it('takes typed OTLP options as given, the protocol and URL from the environment when left out', () => {
    const options = { url: 'http://127.0.0.1:9/v1/traces', headers: { 'x-tenant': 'a' }, timeoutMillis: 500, compression: 'gzip' as const };
    expect(resolveConfig({ otlp: options }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).otlp).toEqual({ ...options, protocol: 'http/json' });
    expect(resolveConfig({ otlp: { protocol: 'grpc' } }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4317' }).otlp).toEqual({
      protocol: 'grpc',
      url: 'http://127.0.0.1:4317',
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
    expect(() => resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp,jaeger' })).toThrow(
      'OTEL_TRACES_EXPORTER: unsupported exporter "jaeger" (supported: otlp, console, none)',
    );
    expect(() => resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc+json' })).toThrow(
      new ConfigError('OTEL_EXPORTER_OTLP_PROTOCOL: unsupported OTLP protocol "grpc+json" (supported: grpc, http/protobuf, http/json)'),
    );
    expect(() => resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/xml' })).toThrow(
      'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: unsupported OTLP protocol "http/xml" (supported: grpc, http/protobuf, http/json)',
    );
    expect(() => resolveConfig({ otlp: { protocol: 'thrift' as 'grpc' } }, {})).toThrow(
      'options.otlp.protocol: unsupported OTLP protocol "thrift" (supported: grpc, http/protobuf, http/json)',
    );
    expect(() => resolveConfig({}, { OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_COMPRESSION: 'br' })).toThrow(
      'OTEL_EXPORTER_OTLP_COMPRESSION: unsupported OTLP compression "br" (supported: gzip, none)',
    );
    expect(() => resolveConfig({ otlp: { compression: 'deflate' as 'gzip' } }, {})).toThrow(
      'options.otlp.compression: unsupported OTLP compression "deflate" (supported: gzip, none)',
    );
    expect(() => resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toThrow(
      'OTEL_EXPORTER_OTLP_ENDPOINT: an OTLP/HTTP endpoint must be an http:// or https:// URL, got "localhost:4318/v1/traces"',
    );
    expect(() => resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'not a url' })).toThrow(
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: an OTLP/HTTP endpoint must be an http:// or https:// URL, got "not a url"',
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
