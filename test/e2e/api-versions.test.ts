/**
 * Libraries in the user's app trace through their own copies of @opentelemetry/api. The API hands a copy
 * of minor N the global tracer provider, context manager and propagator only if they were registered
 * through a minor >= N (its isCompatible rule, packages/api/src/internal/semver.ts in opentelemetry-js);
 * otherwise that library gets no-op spans and its telemetry silently vanishes. The register therefore
 * registers through the newest API minor (packages/auto-instrumentations/package.json), and these tests
 * run an app whose own node_modules hold a library on API 1.10 and one on API 1.9.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readStore, runApp, TEST_ROOT, testTempDir, type OtlpSpan } from '../harness/index.js';

const FIXTURES = path.join(TEST_ROOT, 'fixtures');
const REGISTER_PACKAGE = path.join(TEST_ROOT, '..', 'packages', 'auto-instrumentations');
const LIBRARY_NAME = (minor: string) => `@llm-provenance/fixture-otel-api-${minor}`;
const MINORS = ['1.10', '1.9'] as const;

/** The package directory (realpath) and version of the @opentelemetry/api that `fromDir` resolves. */
function apiPackageFrom(fromDir: string): { dir: string; version: string } {
  let dir = path.dirname(createRequire(path.join(fromDir, 'package.json')).resolve('@opentelemetry/api'));
  for (; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const { name, version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name: string; version: string };
      if (name === '@opentelemetry/api') return { dir: realpathSync(dir), version };
    } catch {
      // no package.json at this level
    }
  }
  throw new Error(`no @opentelemetry/api resolves from ${fromDir}`);
}

/**
 * An app directory laid out the way npm installs one, outside this workspace: each fixture library
 * (test/fixtures/otel-api-consumers/*) with its own nested copy of the @opentelemetry/api that pnpm
 * installed for it (real files, so every copy is its own module instance), and the openai SDK.
 */
function layOutApp(): string {
  const app = testTempDir('llm-provenance-api-versions-');
  for (const minor of MINORS) {
    const source = path.join(FIXTURES, 'otel-api-consumers', `api-${minor}`);
    const target = path.join(app, 'node_modules', LIBRARY_NAME(minor));
    cpSync(source, target, { recursive: true, filter: (file) => path.relative(source, file).split(path.sep)[0] !== 'node_modules' });
    cpSync(apiPackageFrom(source).dir, path.join(target, 'node_modules', '@opentelemetry', 'api'), { recursive: true });
  }
  symlinkSync(realpathSync(path.join(TEST_ROOT, 'node_modules', 'openai')), path.join(app, 'node_modules', 'openai'), 'dir');
  for (const extension of ['cjs', 'mjs']) cpSync(path.join(FIXTURES, `otel-api-versions.${extension}`), path.join(app, `app.${extension}`));
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'otel-api-versions-app', private: true }));
  return app;
}

interface SpanIds {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
}

/** The five spans the app makes, as parent links: a 1.10 span around a 1.9 span around the openai call, then a 1.9 span around a 1.10 span. */
function expectAppTraces(byName: Map<string, SpanIds>): void {
  expect([...byName.keys()].sort()).toEqual(['chat gpt-4o-mini', 'library-1.10 inner', 'library-1.10 outer', 'library-1.9 inner', 'library-1.9 outer']);
  const span = (name: string) => byName.get(name)!;
  expect(span('library-1.10 outer').parentSpanId).toBeNull();
  expect(span('library-1.9 inner')).toMatchObject({ traceId: span('library-1.10 outer').traceId, parentSpanId: span('library-1.10 outer').spanId });
  expect(span('chat gpt-4o-mini')).toMatchObject({ traceId: span('library-1.10 outer').traceId, parentSpanId: span('library-1.9 inner').spanId });
  expect(span('library-1.9 outer').parentSpanId).toBeNull();
  expect(span('library-1.9 outer').traceId).not.toBe(span('library-1.10 outer').traceId);
  expect(span('library-1.10 inner')).toMatchObject({ traceId: span('library-1.9 outer').traceId, parentSpanId: span('library-1.9 outer').spanId });
}

describe.each([
  { module: 'cjs', app: 'app.cjs' },
  { module: 'esm', app: 'app.mjs' },
] as const)('an app whose libraries use @opentelemetry/api 1.10 and 1.9, under --$module register', ({ module, app }) => {
  it('records every library span in the store and over OTLP, parented across the API copies', async () => {
    const appDir = layOutApp();
    const run = await runApp({ module, app: path.join(appDir, app) });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);

    // Each library really ran on its own API copy: the pinned version, in the app's node_modules, not the register's.
    const report = JSON.parse(run.stdout) as { apis: Record<string, { version: string; dir: string }>; recording: Record<string, boolean> };
    const registerApi = apiPackageFrom(REGISTER_PACKAGE);
    expect(registerApi.version).toBe('1.10.0');
    expect(report.apis['1.10']).toEqual({
      version: '1.10.0',
      dir: path.join(realpathSync(appDir), 'node_modules', LIBRARY_NAME('1.10'), 'node_modules', '@opentelemetry', 'api'),
    });
    expect(report.apis['1.9']).toEqual({
      version: '1.9.1',
      dir: path.join(realpathSync(appDir), 'node_modules', LIBRARY_NAME('1.9'), 'node_modules', '@opentelemetry', 'api'),
    });
    expect(report.recording).toEqual({ 'library-1.10 outer': true, 'library-1.9 inner': true, 'library-1.9 outer': true, 'library-1.10 inner': true });

    const { logs } = await readStore(run.storeDir!);
    expect(logs).toHaveLength(1);
    const records = logs[0]!.records;
    expectAppTraces(new Map(records.map((record) => [record.name as string, record as SpanIds])));
    for (const minor of MINORS) {
      for (const role of ['outer', 'inner']) {
        const record = records.find((candidate) => candidate.name === `library-${minor} ${role}`)!;
        expect([record.kind, record.scope]).toEqual(['INTERNAL', { name: LIBRARY_NAME(minor), version: '1.0.0', schemaUrl: null }]);
      }
    }

    // OTLP carries the same spans, with the ids the store recorded.
    const otlp = new Map(
      run.spans.map((span: OtlpSpan) => [span.name, { traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? null }]),
    );
    expectAppTraces(otlp);
    for (const record of records) {
      expect(otlp.get(record.name)).toEqual({ traceId: record.traceId, spanId: record.spanId, parentSpanId: record.parentSpanId });
    }
  });
});

describe('the API rule the register has to meet', () => {
  it('gives a library on API 1.10 a no-op tracer when the provider is registered through API 1.9, and a 1.9 library a real one', () => {
    const appDir = layOutApp();
    // A real SDK tracer provider (the register's own @opentelemetry/sdk-trace), registered through the 1.9 copy.
    const sdkTrace = createRequire(path.join(REGISTER_PACKAGE, 'package.json')).resolve('@opentelemetry/sdk-trace');
    const script = `
      const api19 = require(${JSON.stringify(path.join(appDir, 'node_modules', LIBRARY_NAME('1.9'), 'node_modules', '@opentelemetry', 'api'))});
      const { TracerProvider } = require(${JSON.stringify(sdkTrace)});
      const registered = api19.trace.setGlobalTracerProvider(new TracerProvider());
      const lib110 = require(${JSON.stringify(LIBRARY_NAME('1.10'))});
      const lib19 = require(${JSON.stringify(LIBRARY_NAME('1.9'))});
      const recording = {};
      Promise.all([
        lib110.inSpan('library-1.10', async (span) => { recording['1.10'] = span.isRecording(); }),
        lib19.inSpan('library-1.9', async (span) => { recording['1.9'] = span.isRecording(); }),
      ]).then(() => console.log(JSON.stringify({ registered, recording })));
    `;
    const output = execFileSync(process.execPath, ['-e', script], { cwd: appDir, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ registered: true, recording: { '1.10': false, '1.9': true } });
  });
});
