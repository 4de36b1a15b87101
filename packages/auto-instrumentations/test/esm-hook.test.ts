import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { describe, expect, it } from 'vitest';
import { entryIsEsModule, patchedModuleNames } from '@llm-provenance/auto-instrumentations';
import { testTempDir } from '@llm-provenance/test-support';

function project(packageJson: object | undefined): string {
  const root = testTempDir('entry-');
  if (packageJson) writeFileSync(path.join(root, 'package.json'), JSON.stringify(packageJson));
  mkdirSync(path.join(root, 'src'));
  return root;
}

describe('entryIsEsModule', () => {
  it('goes by the extension for .mjs and .cjs', () => {
    const root = project({ type: 'module' });
    expect(entryIsEsModule(path.join(root, 'src/app.mjs'))).toBe(true);
    expect(entryIsEsModule(path.join(root, 'src/app.cjs'))).toBe(false);
  });

  it('goes by the nearest package.json "type" for .js', () => {
    expect(entryIsEsModule(path.join(project({ type: 'module' }), 'src/app.js'))).toBe(true);
    expect(entryIsEsModule(path.join(project({ type: 'commonjs' }), 'src/app.js'))).toBe(false);
    expect(entryIsEsModule(path.join(project({ name: 'untyped' }), 'src/app.js'))).toBe(false);
  });

  it('is false without an entry point', () => {
    expect(entryIsEsModule(undefined)).toBe(false);
  });
});

describe('patchedModuleNames', () => {
  class TwoModules extends InstrumentationBase {
    constructor() {
      super('two-modules', '1.0.0', { enabled: false });
    }
    protected init() {
      return [
        new InstrumentationNodeModuleDefinition('openai', ['>=4']),
        new InstrumentationNodeModuleDefinition('@anthropic-ai/sdk', ['>=0.30']),
        new InstrumentationNodeModuleDefinition('openai', ['<4']),
      ];
    }
  }

  it('lists each module the instrumentations patch once', () => {
    expect(patchedModuleNames([new TwoModules()])).toEqual(['openai', '@anthropic-ai/sdk']);
  });
});

describe('entryIsEsModule through a symlink', () => {
  it('follows a node_modules/.bin style link to the real script', async () => {
    const { symlinkSync } = await import('node:fs');
    const esm = project({ type: 'module' });
    writeFileSync(path.join(esm, 'src/cli.js'), '');
    const commonjs = project({ type: 'commonjs' });
    symlinkSync(path.join(esm, 'src/cli.js'), path.join(commonjs, 'src/tool'));
    expect(entryIsEsModule(path.join(commonjs, 'src/tool'))).toBe(true);
  });
});
