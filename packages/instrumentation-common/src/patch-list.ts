import type { Attributes } from '@opentelemetry/api';
import type { CallHandling } from './call-handling.js';
import type { GenAIRequest } from './genai-span.js';

/**
 * What a backend declares: which modules to patch, which methods of which prototypes, and how each
 * method's calls map to the conventions. The lifecycle (wrapping once, unwrapping, the version check,
 * the span around every call) is instrumentation-common's; a backend never writes a patched method.
 */

/**
 * A module's exports as a patch reads them: classes and namespaces reached by property paths
 * (`exports.OpenAI.Chat.Completions.prototype`), any step of which an installed version may lack. Read
 * through optional chaining only; what is found at the end is checked before it is patched.
 */
export interface SdkMembers {
  readonly [member: string]: SdkMembers | undefined;
}

/** One npm package (and optionally some of its files) to patch. */
export interface ModulePatch {
  /** The package name as `require` / `import` sees it, e.g. 'openai'. */
  module: string;
  /** npm range of the versions patched (see `versionSatisfies`); others load untouched, with a diag warning. */
  versions: string;
  /**
   * Files inside the package whose exports are patched the same way, for apps that load only that
   * entry (e.g. 'ollama/dist/browser.cjs'). Patching twice is harmless: a method is never wrapped twice.
   */
  files?: readonly string[];
  /**
   * The methods live only in `files` (e.g. one function per file, re-exported by the package entry
   * through read-only bindings): the entry's own exports are not patched, and nothing is warned for them.
   */
  filesOnly?: boolean;
  /**
   * The patch targets reachable from the module's exports: prototypes shared by every client instance,
   * so clients created before or after enabling are traced alike. A method a target lacks (a resource
   * the installed version does not have) is skipped.
   */
  targets(moduleExports: SdkMembers | undefined): ReadonlyArray<PatchTarget>;
  /** Warned through diag when the module loads but no method was found to patch. */
  notFound?: string;
}

/** A prototype (or any object) and, by method name, how its calls are traced. */
export interface PatchTarget {
  /** undefined/null when the installed version has no such class: skipped. */
  target: object | null | undefined;
  methods: Readonly<Record<string, MethodPatch>>;
}

export type MethodPatch = TracedMethod | WrappedMethod;

/**
 * Runs the SDK's own method. Default: `invoke()` directly. For work that must surround the original
 * call but is no mapping (e.g. hiding an SDK's own tracer for the duration of the call).
 */
export type Around<TSelf = unknown> = <T>(self: TSelf, args: unknown[], invoke: () => T) => T;

/** A method whose calls get a span. */
export interface TracedMethod<TSelf = unknown> extends CallHandling {
  /** Maps a call (the method's `this` and arguments) to the span's request; if it throws, the call runs untraced. */
  request(self: TSelf, args: unknown[]): GenAIRequest;
  /** Surrounds the original call (also when the call runs untraced because the mapping failed). */
  around?: Around<TSelf>;
  /**
   * Runs only for a traced call, after its span started and before the SDK sees the arguments: may
   * replace an argument with a changed COPY (never change the app's own objects), e.g. to ask for stream
   * usage; what it returns is added to the span's attributes. Its stream handling must then hide from
   * the app whatever the change added (`StreamHandling.hiddenChunks`).
   */
  prepareArgs?(self: TSelf, args: unknown[]): Attributes | undefined;
  /**
   * The method reports its result through a node-style callback, its last argument
   * (`(err, value) => ...`): when one is passed, the span ends as the callback is called and the
   * method's return value is not observed. Called without one, the return value is observed as usual.
   */
  callback?: boolean;
}

/** A method that gets no span of its own, only `around` (e.g. a helper whose request goes through a traced method). */
export interface WrappedMethod<TSelf = unknown> {
  around: Around<TSelf>;
}

export function isTracedMethod(method: MethodPatch): method is TracedMethod {
  return typeof (method as { request?: unknown }).request === 'function';
}
