import { DiagLogLevel, diag } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { supportedModuleDefinition, versionSatisfies } from '@llm-provenance/instrumentation-common';

describe('versionSatisfies', () => {
  it('reads comparator sets and alternatives the way npm ranges do', () => {
    expect(versionSatisfies('0.5.6', '>=0.5.6 <0.7.0')).toBe(true);
    expect(versionSatisfies('0.6.4', '>=0.5.6 <0.7.0')).toBe(true);
    expect(versionSatisfies('0.5.5', '>=0.5.6 <0.7.0')).toBe(false);
    expect(versionSatisfies('0.7.0', '>=0.5.6 <0.7.0')).toBe(false);
    expect(versionSatisfies('3.3.0', '>=1.0.0 <4')).toBe(true);
    expect(versionSatisfies('4.0.0-beta.1', '>=1.0.0 <4')).toBe(false);
    expect(versionSatisfies('1.2.3', '<1 || =1.2.3')).toBe(true);
    expect(versionSatisfies('not a version', '>=1')).toBe(false);
  });

  it('throws a TypeError naming a malformed range', () => {
    expect(() => versionSatisfies('1.0.0', '>=1 ~2')).toThrow(new TypeError('version range ">=1 ~2": cannot read comparator "~2"'));
  });
});

describe('supportedModuleDefinition', () => {
  it('patches versions in range, and leaves others untouched with one diag warning', () => {
    const warnings: string[] = [];
    const noop = () => {};
    diag.setLogger(
      { warn: (...a: unknown[]) => warnings.push(a.join(' ')), error: noop, info: noop, debug: noop, verbose: noop },
      { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
    );
    try {
      const patched: string[] = [];
      const definition = supportedModuleDefinition(diag, 'acme-sdk', '>=2 <3', (exports, version) => {
        patched.push(version!);
        return { ...exports, patched: true };
      });
      expect(definition.supportedVersions).toEqual(['*']);
      expect(definition.patch!({ a: 1 }, '2.5.0')).toEqual({ a: 1, patched: true });
      const old = { a: 1 };
      expect(definition.patch!(old, '1.9.0')).toBe(old);
      expect(patched).toEqual(['2.5.0']);
      expect(warnings).toEqual(['acme-sdk@1.9.0 is outside the supported range ">=2 <3"; it is not instrumented']);
    } finally {
      diag.disable();
    }
  });
});
