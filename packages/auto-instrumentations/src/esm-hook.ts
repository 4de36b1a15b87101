import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { localRequire } from './local-require.js';

interface AddHookMessageChannel {
  registerOptions: { data: { include: string[] }; transferList: unknown[] };
  /** A closure over the channel, not a method: it is handed out on its own. */
  waitForAllMessagesAcknowledged: () => Promise<void>;
}

/**
 * Registers OpenTelemetry's import-in-the-middle loader hook (@opentelemetry/instrumentation/hook.mjs) so
 * that `import x from 'sdk'` in an ES module app is patched like `require('sdk')` is.
 *
 * The hook is told which modules to wrap over a message channel (import-in-the-middle's
 * createAddHookMessageChannel, as `@opentelemetry/auto-instrumentations-node/register` and EDOT do):
 * every instrumentation constructed after this call posts its module names, and only those modules are
 * wrapped instead of every module the app imports. Call it BEFORE constructing the instrumentations, and
 * await the returned function's promise before the app's imports run.
 *
 * `include` lists module names to wrap from the start, for callers that construct the instrumentations
 * first and cannot wait for acknowledgements (a `--require` preload is synchronous): the names travel
 * with the registration itself, so they are known before the first import is resolved.
 * https://nodejs.org/api/module.html#moduleregisterspecifier-parenturl-options
 */
export function registerEsmLoaderHook(include: readonly string[] = []): () => Promise<void> {
  // The channel must come from the very import-in-the-middle copy @opentelemetry/instrumentation uses,
  // because it is that copy's Hook constructor which posts the module names.
  const instrumentationMain = localRequire.resolve('@opentelemetry/instrumentation');
  const iitm = createRequire(instrumentationMain)('import-in-the-middle') as {
    createAddHookMessageChannel(): AddHookMessageChannel;
    Hook: new (modules: string[], hookFn: () => void) => unknown;
  };
  const { registerOptions, waitForAllMessagesAcknowledged } = iitm.createAddHookMessageChannel();
  addLoaderModules = (modules) => {
    // A Hook posts its module names to the loader (over the channel above); its own callback matches none.
    if (modules.length > 0) new iitm.Hook([...modules], () => {});
  };
  registerOptions.data.include.push(...include);
  const hookUrl = pathToFileURL(localRequire.resolve('@opentelemetry/instrumentation/hook.mjs')).href;
  register(hookUrl, registerOptions as Parameters<typeof register>[1]);
  return waitForAllMessagesAcknowledged;
}

/** Tells the registered loader hook to wrap more modules (names or absolute paths); nothing before registration. */
let addLoaderModules: (modules: readonly string[]) => void = () => {};

/**
 * Wraps `files` too, once the loader hook is registered: file URLs of package-internal files (see
 * `patchedFileUrls`). An internal `import './x.js'` is no bare specifier, so the module names alone do not
 * let the hook see it.
 */
export function addEsmLoaderFiles(files: readonly string[]): void {
  addLoaderModules(files);
}

/**
 * File URLs (of the real paths) of the package files `instrumentations` patch (module definitions'
 * `files`, e.g. `@huggingface/inference/dist/esm/tasks/nlp/chatCompletion.js`), resolved the way the app
 * at `entry` resolves the package; a package the app cannot resolve is skipped. The loader hook matches
 * them against the URL each import resolves to.
 */
export function patchedFileUrls(instrumentations: readonly object[], entry: string | undefined): string[] {
  const paths = new Set<string>();
  const appRequire = createRequire(entry ? path.resolve(entry) : path.join(process.cwd(), 'index.js'));
  for (const instrumentation of instrumentations) {
    const definitions = (instrumentation as { getModuleDefinitions?: () => { name: string; files?: { name: string }[] }[] }).getModuleDefinitions?.() ?? [];
    for (const definition of definitions) {
      if (!definition.files?.length) continue;
      const dir = packageDirectory(appRequire, definition.name);
      if (dir === undefined) continue;
      for (const file of definition.files) {
        if (file.name.startsWith(`${definition.name}/`)) paths.add(pathToFileURL(path.join(dir, file.name.slice(definition.name.length + 1))).href);
      }
    }
  }
  return [...paths];
}

/**
 * The real directory of package `name` as `appRequire` finds it: the first `node_modules/<name>` holding a
 * package.json on Node's lookup path (https://nodejs.org/api/modules.html#loading-from-node_modules-folders).
 * Not `resolve('<name>/package.json')`: a package's `exports` map decides what that subpath names, and
 * one with a `"./*"` pattern sends it elsewhere (@modelcontextprotocol/sdk maps it to
 * `dist/cjs/package.json`, its `{"type":"commonjs"}` marker), while one without the subpath refuses it.
 */
function packageDirectory(appRequire: NodeJS.Require, name: string): string | undefined {
  for (const lookup of appRequire.resolve.paths(name) ?? []) {
    const dir = path.join(lookup, name);
    if (!existsSync(path.join(dir, 'package.json'))) continue;
    try {
      return realpathSync(dir);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Names of the modules `instrumentations` patch (what the loader hook must wrap for them). */
export function patchedModuleNames(instrumentations: readonly object[]): string[] {
  const names = new Set<string>();
  for (const instrumentation of instrumentations) {
    const definitions = (instrumentation as { getModuleDefinitions?: () => { name: string }[] }).getModuleDefinitions?.() ?? [];
    for (const definition of definitions) names.add(definition.name);
  }
  return [...names];
}

/**
 * Whether the app's entry point is an ES module: `.mjs`, or `.js` under a package.json with
 * `"type": "module"`. A `--require` preload uses it to decide whether the app needs the loader hook.
 */
export function entryIsEsModule(mainScript: string | undefined): boolean {
  if (!mainScript) return false;
  let file = path.resolve(mainScript);
  try {
    // Node decides by the real file (a node_modules/.bin entry is a symlink to the package's script).
    file = realpathSync(file);
  } catch {
    // A missing entry point fails in Node itself; the hook makes no difference then.
  }
  if (file.endsWith('.mjs') || file.endsWith('.mts')) return true;
  if (file.endsWith('.cjs') || file.endsWith('.cts')) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    try {
      return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { type?: unknown }).type === 'module';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return false;
    }
    if (path.dirname(dir) === dir) return false;
  }
}
