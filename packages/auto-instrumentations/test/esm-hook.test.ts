import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import { describe, expect, it } from 'vitest';
import { entryIsEsModule, patchedFileUrls, patchedModuleNames } from '@llm-provenance/auto-instrumentations';
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

describe('patchedFileUrls', () => {
  /** An installed package `name` in `root`'s node_modules with this package.json `exports`. */
  function installed(root: string, name: string, exports: object): string {
    const dir = path.join(root, 'node_modules', name);
    mkdirSync(path.join(dir, 'dist/cjs'), { recursive: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', exports }));
    // What a dual build ships: a marker that makes dist/cjs CommonJS.
    writeFileSync(path.join(dir, 'dist/cjs/package.json'), JSON.stringify({ type: 'commonjs' }));
    return realpathSync(dir);
  }

  /** An instrumentation that patches one file of each package: `{ package: file inside it }`. */
  function patchingFiles(patched: Record<string, string>): InstrumentationBase {
    // A closure, not a field: OTel's InstrumentationBase calls init() from its constructor.
    return new (class extends InstrumentationBase {
      constructor() {
        super('patches-files', '1.0.0', { enabled: false });
      }
      protected init() {
        return Object.entries(patched).map(
          ([name, file]) =>
            new InstrumentationNodeModuleDefinition(name, ['*'], undefined, undefined, [
              new InstrumentationNodeModuleFile(`${name}/${file}`, ['*'], (e: unknown) => e),
            ]),
        );
      }
    })();
  }

  it('finds the package directory whatever its exports map makes of package.json, and skips a package the app lacks', () => {
    const root = project({ type: 'module' });
    // "./*" sends `pattern/package.json` to dist/cjs/package.json (as @modelcontextprotocol/sdk's map does).
    const pattern = installed(root, '@scope/pattern', { '.': './dist/cjs/index.js', './*': { import: './dist/esm/*', require: './dist/cjs/*' } });
    // No "./package.json" entry: resolving it is refused.
    const closed = installed(root, 'closed', { '.': './index.js' });
    const instrumentation = patchingFiles({ '@scope/pattern': 'dist/esm/shared/protocol.js', closed: 'dist/esm/inner.js', absent: 'dist/esm/x.js' });
    expect(patchedFileUrls([instrumentation], path.join(root, 'src/app.js'))).toEqual([
      pathToFileURL(path.join(pattern, 'dist/esm/shared/protocol.js')).href,
      pathToFileURL(path.join(closed, 'dist/esm/inner.js')).href,
    ]);
  });
});
