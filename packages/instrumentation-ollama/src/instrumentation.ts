import { InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';
import {
  GenAIInstrumentationBase,
  supportedModuleDefinition,
  type GenAIInstrumentationConfig,
  type StreamAccumulator,
} from '@llm-provenance/instrumentation-common';
import { completionResponse, embeddingsResponse, embedResponse, OllamaStreamAccumulator } from './response.js';
import { ollamaCredential } from './credential.js';
import { toGenAIRequest, type OllamaOperation, type OllamaRequest } from './request.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_OLLAMA_VERSIONS } from './version.js';

export type OllamaInstrumentationConfig = GenAIInstrumentationConfig;

type AnyFunction = (...args: any[]) => any;

/** The methods patched, each a single HTTP call to Ollama's native API. */
const PATCHED: readonly OllamaOperation[] = ['chat', 'generate', 'embed', 'embeddings'];

/**
 * Traces the `ollama` client (https://github.com/ollama/ollama-js): `chat`, `generate`, `embed` and the
 * legacy `embeddings`, streamed or not.
 *
 * The methods live on the browser `Ollama` class that the Node `Ollama` class extends, and both the
 * default export (`import ollama from 'ollama'`) and `new Ollama({ host })` are instances of it, so
 * patching that one prototype covers every client. Streams are the SDK's own `AbortableAsyncIterator`,
 * observed in place: `abort()` keeps working and ends the span.
 */
export class OllamaInstrumentation extends GenAIInstrumentationBase<OllamaInstrumentationConfig> {
  constructor(config: OllamaInstrumentationConfig = {}) {
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
  }

  protected init() {
    const patch = (exports: any) => {
      const proto = clientPrototype(exports);
      if (!proto) {
        this._diag.warn('ollama: no Ollama client class found in the module exports; not instrumented');
        return exports;
      }
      // A method this version lacks (e.g. embed() before 0.5.6) is skipped.
      for (const operation of PATCHED) this._rewrap(proto, operation, this._getPatchedMethod(operation));
      return exports;
    };
    const unpatch = (exports: any) => {
      this._unwrapAll(clientPrototype(exports), PATCHED);
    };
    // `ollama/browser` (dist/browser.*) exports the base class itself; hooking that file covers apps that
    // load only the browser entry. Patching twice is harmless: a wrapped method is unwrapped first.
    const browserFiles = ['ollama/dist/browser.cjs', 'ollama/dist/browser.mjs'].map(
      (file) => new InstrumentationNodeModuleFile(file, [SUPPORTED_OLLAMA_VERSIONS], patch, unpatch),
    );
    return [supportedModuleDefinition(this._diag, 'ollama', SUPPORTED_OLLAMA_VERSIONS, patch, unpatch, browserFiles)];
  }

  private _getPatchedMethod(operation: OllamaOperation) {
    const self = this;
    return (original: AnyFunction) =>
      function patchedOllamaMethod(this: any, ...args: any[]) {
        if (!self.isEnabled()) return original.apply(this, args);
        const request: OllamaRequest = args[0] ?? {};
        const config = this?.config;
        const streams = operation === 'chat' || operation === 'generate';
        return self.traceGenAICall({
          request: () => toGenAIRequest(operation, request, config?.host, ollamaCredential(config)),
          invoke: () => original.apply(this, args),
          response: (value) => {
            if (operation === 'embed') return embedResponse(value);
            if (operation === 'embeddings') return embeddingsResponse(value);
            return completionResponse(value, operation);
          },
          ...(streams
            ? {
                stream: {
                  accumulator: ({ captureContent }): StreamAccumulator => {
                    const acc = new OllamaStreamAccumulator(operation, captureContent);
                    return { onChunk: (chunk) => acc.add(chunk), result: () => acc.response(), isComplete: () => acc.isComplete };
                  },
                  // The iterator's own controller: `abort()` aborts it, and so does `ollama.abort()`.
                  abortSignal: (stream: any) => stream?.abortController?.signal,
                  abortMethods: ['abort'],
                },
              }
            : {}),
          errorType: (err) => (isAbortError(err) ? 'AbortError' : undefined),
        });
      };
  }
}

/** The prototype that defines `chat` (the browser base class), reached from the package's exports. */
function clientPrototype(exports: any): any {
  const candidates = [exports?.Ollama?.prototype, exports?.default && Object.getPrototypeOf(exports.default)];
  for (let proto of candidates) {
    while (proto && proto !== Object.prototype) {
      if (Object.hasOwn(proto, 'chat')) return proto;
      proto = Object.getPrototypeOf(proto);
    }
  }
  return undefined;
}

/** fetch rejects an aborted body read with a DOMException named AbortError. */
function isAbortError(err: unknown): boolean {
  return !!err && typeof err === 'object' && (err as { name?: unknown }).name === 'AbortError';
}
