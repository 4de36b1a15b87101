import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { InstrumentationBase, type InstrumentationConfig } from '@opentelemetry/instrumentation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backend, INSTRUMENTATIONS, loadInstrumentations, type InstrumentationEntry } from '@llm-provenance/auto-instrumentations';

class FakeInstrumentation extends InstrumentationBase {
  constructor(config: InstrumentationConfig = {}) {
    super('fake-instrumentation', '1.0.0', { ...config, enabled: false });
  }
  protected init() {
    return [];
  }
}

const fake = (name: string): InstrumentationEntry => ({
  name,
  packageName: `fake-${name}`,
  exportName: 'FakeInstrumentation',
  create: (config) => new FakeInstrumentation(config),
});

let warnings: string[];
beforeEach(() => {
  warnings = [];
  const logger: DiagLogger = {
    error: () => {},
    warn: (message) => warnings.push(message),
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
});
afterEach(() => diag.disable());

describe('loadInstrumentations', () => {
  it('skips a backend whose package cannot be loaded, with a diag warning, and keeps the others', () => {
    const result = loadInstrumentations([fake('one'), backend('ghost', '@llm-provenance/instrumentation-ghost', 'GhostInstrumentation'), fake('two')]);
    expect(result.loaded).toEqual(['one', 'two']);
    expect(result.instrumentations.map((instrumentation) => instrumentation.instrumentationName)).toEqual(['fake-instrumentation', 'fake-instrumentation']);
    expect(result.skipped).toHaveLength(1);
    expect(result.skipped[0]).toMatchObject({ name: 'ghost', packageName: '@llm-provenance/instrumentation-ghost' });
    expect(result.skipped[0]!.reason).toMatch(/^Cannot find module '@llm-provenance\/instrumentation-ghost'/);
    expect(warnings).toEqual([
      `@llm-provenance/auto-instrumentations: skipping the ghost instrumentation, @llm-provenance/instrumentation-ghost failed to load: ${result.skipped[0]!.reason}`,
    ]);
  });

  it('skips a package that does not export the named class', () => {
    const result = loadInstrumentations([backend('api', '@opentelemetry/api', 'NoSuchInstrumentation')]);
    expect(result.loaded).toEqual([]);
    expect(result.skipped).toEqual([
      { name: 'api', packageName: '@opentelemetry/api', reason: '@opentelemetry/api does not export a class named NoSuchInstrumentation' },
    ]);
  });

  it('skips a backend whose constructor throws', () => {
    const throwing: InstrumentationEntry = {
      ...fake('boom'),
      create: () => {
        throw new Error('constructor exploded');
      },
    };
    const result = loadInstrumentations([throwing, fake('fine')]);
    expect(result.loaded).toEqual(['fine']);
    expect(result.skipped).toEqual([{ name: 'boom', packageName: 'fake-boom', reason: 'constructor exploded' }]);
  });

  it('applies the enabled and disabled lists and warns about names it does not know', () => {
    const entries = [fake('openai'), fake('anthropic'), fake('groq')];
    expect(loadInstrumentations(entries, { enabled: ['openai', 'groq'] }).loaded).toEqual(['openai', 'groq']);
    expect(loadInstrumentations(entries, { disabled: ['anthropic'] }).loaded).toEqual(['openai', 'groq']);
    expect(warnings).toEqual([]);
    expect(loadInstrumentations(entries, { enabled: ['openai', 'opneai'] }).loaded).toEqual(['openai']);
    expect(warnings).toEqual(['@llm-provenance/auto-instrumentations: unknown instrumentation "opneai" (known: openai, anthropic, groq)']);
  });

  it('passes per-backend config to the constructor', () => {
    const seen: unknown[] = [];
    loadInstrumentations([{ ...fake('openai'), create: (config) => (seen.push(config), new FakeInstrumentation(config)) }], {
      config: { openai: { enabled: true } },
    });
    expect(seen).toEqual([{ enabled: true }]);
  });

  it('lists each workspace backend once, with its package and class', () => {
    const names = INSTRUMENTATIONS.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of INSTRUMENTATIONS) {
      expect(entry.packageName).toMatch(/^@llm-provenance\/instrumentation-[a-z0-9-]+$/);
      expect(entry.exportName).toMatch(/Instrumentation$/);
    }
  });
});
