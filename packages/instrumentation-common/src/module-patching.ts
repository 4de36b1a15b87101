import type { DiagLogger } from '@opentelemetry/api';
import { InstrumentationNodeModuleFile, isWrapped, type InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { patchedMethod, type PatchHost } from './patched-method.js';
import type { MethodPatch, ModulePatch, SdkMembers } from './patch-list.js';
import { supportedModuleDefinition } from './supported-versions.js';

/** A method as the patching sees it: any `this`, any arguments, any result. */
export type PatchableFunction = (this: unknown, ...args: unknown[]) => unknown;

/** The instrumentation's own wrap and unwrap (OTel's `_wrap` / `_unwrap`, shimmer underneath). */
export interface Wrapper {
  wrap(target: object, name: string, wrapper: (original: PatchableFunction) => PatchableFunction): void;
  unwrap(target: object, name: string): void;
}

/**
 * The OTel module definitions of `modules`: each sees every version of its package and patches the
 * supported ones (`supportedModuleDefinition`). A method is wrapped at most once — a module can be
 * patched again, e.g. through a second entry file, and two wraps would give every call two spans.
 */
export function moduleDefinitions(modules: readonly ModulePatch[], host: PatchHost, wrapper: Wrapper, diag: DiagLogger): InstrumentationNodeModuleDefinition[] {
  return modules.map((module) => {
    const factories = new Map<MethodPatch, (original: PatchableFunction) => PatchableFunction>();
    const factoryOf = (method: MethodPatch) => {
      let factory = factories.get(method);
      if (!factory) factories.set(method, (factory = patchedMethod(host, method)));
      return factory;
    };
    const patch = (exports: unknown): unknown => {
      let patched = 0;
      host.errors.guard(
        `patching ${module.module}`,
        () =>
          forEachMethod(module, exports, (target, name, method) => {
            if (isWrapped((target as Record<string, unknown>)[name])) wrapper.unwrap(target, name);
            wrapper.wrap(target, name, factoryOf(method));
            patched += 1;
          }),
        undefined,
      );
      if (patched === 0) diag.warn(module.notFound ?? `${module.module} loaded, but none of the methods to trace was found; nothing is traced`);
      return exports;
    };
    const unpatch = (exports: unknown): void => {
      host.errors.guard(
        `unpatching ${module.module}`,
        () =>
          forEachMethod(module, exports, (target, name) => {
            if (isWrapped((target as Record<string, unknown>)[name])) wrapper.unwrap(target, name);
          }),
        undefined,
      );
    };
    const files = (module.files ?? []).map((file) => new InstrumentationNodeModuleFile(file, [module.versions], patch, unpatch));
    if (module.filesOnly)
      return supportedModuleDefinition(
        diag,
        module.module,
        module.versions,
        (exports) => exports,
        () => undefined,
        files,
      );
    return supportedModuleDefinition(diag, module.module, module.versions, patch, unpatch, files);
  });
}

/** Every declared method that the module's exports actually have, as a function. */
function forEachMethod(module: ModulePatch, exports: unknown, visit: (target: object, name: string, method: MethodPatch) => void): void {
  for (const { target, methods } of module.targets(exports as SdkMembers | undefined) ?? []) {
    if (!target || (typeof target !== 'object' && typeof target !== 'function')) continue;
    for (const [name, method] of Object.entries(methods)) {
      if (typeof (target as Record<string, unknown>)[name] === 'function') visit(target, name, method);
    }
  }
}
