import { context, type Context } from '@opentelemetry/api';
import {
  fetchAbortErrorType,
  ChatCompletionStreamAccumulator,
  chatCompletionResponse,
  GenAIInstrumentationBase,
  type GenAIBackend,
  type GenAIInstrumentationConfig,
  type GenAIRequest,
  type GenAIResponse,
  type ModulePatch,
  type StreamAccumulator,
  type TracedMethod,
} from '@llm-provenance/instrumentation-common';
import { chatRequest, featureExtractionRequest, sentenceSimilarityRequest, textGenerationRequest } from './request.js';
import { featureExtractionResponse, sentenceSimilarityResponse, TextGenerationStreamAccumulator, textGenerationResponse } from './response.js';
import type { HfArgs } from './target.js';
import { rememberWireResponse } from './wire-response.js';
import { PACKAGE_NAME, PACKAGE_VERSION, SUPPORTED_VERSIONS } from './version.js';

export type HuggingFaceInstrumentationConfig = GenAIInstrumentationConfig;

/**
 * `error.type` of a failed task: an abort, or the kind a TGI / TEI stream named in its error event
 * (`{"error", "error_type"}` after a 200 status line, which the SDK throws with that event as the
 * response body), else the default (the HTTP status, or the error's class).
 */
function hfErrorType(err: unknown): string | undefined {
  const abort = fetchAbortErrorType(err);
  if (abort) return abort;
  const response = (err as { httpResponse?: { status?: unknown; body?: unknown } } | null | undefined)?.httpResponse;
  const kind = (response?.body as { error_type?: unknown } | null | undefined)?.error_type;
  return response?.status === 200 && typeof kind === 'string' && kind !== '' ? kind : undefined;
}

/** A task function, `(args, options)`: the span is mapped from `args`. */
function task(request: (args: HfArgs | undefined) => GenAIRequest, response: (value: unknown) => GenAIResponse | undefined): TracedMethod {
  return { request: (_self, args) => request(args[0] as HfArgs | undefined), response, errorType: hfErrorType };
}

/** A streaming task: an async generator of the server's SSE events, observed as the caller reads it. */
function streamingTask(request: (args: HfArgs | undefined) => GenAIRequest, accumulator: new (captureContent: boolean) => StreamAccumulator): TracedMethod {
  return {
    request: (_self, args) => request(args[0] as HfArgs | undefined),
    errorType: hfErrorType,
    onReturned: (stream, span) => iterateInCall(stream, span.context),
    // The caller's `options.signal` cancels the request (and so the stream).
    stream: { accumulator: ({ captureContent }) => new accumulator(captureContent), abortSignal: (_stream, args) => signalOf(args[1]) },
  };
}

/**
 * A streaming task's generator starts its request on the caller's first `next()`, after the traced call
 * returned: its steps run in the call's context, so the request is known to be this span's (HTTP-level
 * instrumentation adds no second GenAI span, transport spans become its children).
 */
function iterateInCall(stream: unknown, callContext: Context): void {
  if (!stream || typeof stream !== 'object') return;
  for (const method of ['next', 'return', 'throw'] as const) {
    const step = (stream as Record<string, unknown>)[method];
    if (typeof step !== 'function') continue;
    Object.defineProperty(stream, method, {
      value: context.bind(callContext, (step as (...args: unknown[]) => unknown).bind(stream)),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

function signalOf(options: unknown): AbortSignal | undefined {
  const signal = (options as { signal?: unknown } | null | undefined)?.signal;
  return typeof AbortSignal === 'function' && signal instanceof AbortSignal ? signal : undefined;
}

/** The traced text tasks, by their exported function name (and file name under dist/<format>/tasks/nlp/). */
const TASKS: Record<string, TracedMethod> = {
  chatCompletion: task((args) => chatRequest(args, false), chatCompletionResponse),
  chatCompletionStream: streamingTask((args) => chatRequest(args, true), ChatCompletionStreamAccumulator),
  textGeneration: task((args) => textGenerationRequest(args, false), textGenerationResponse),
  textGenerationStream: streamingTask((args) => textGenerationRequest(args, true), TextGenerationStreamAccumulator),
  featureExtraction: task(featureExtractionRequest, featureExtractionResponse),
  sentenceSimilarity: task(sentenceSimilarityRequest, sentenceSimilarityResponse),
};

const PACKAGE = '@huggingface/inference';

/**
 * `InferenceClient` defines each task as an instance property that calls the task function exported by
 * that task's own file (dist/commonjs and dist/esm, tasks/nlp/<task>.js); the package entry re-exports
 * them through read-only bindings. Patching the files' exports covers `new InferenceClient(token)`,
 * `.endpoint(url)`, `{ endpointUrl }`, the legacy `HfInference` and the standalone functions alike, for
 * clients created after the instrumentation is enabled (a client reads the functions when constructed).
 */
const HF_INFERENCE_MODULE: ModulePatch = {
  module: PACKAGE,
  versions: SUPPORTED_VERSIONS[PACKAGE],
  files: Object.keys(TASKS).flatMap((name) => ['commonjs', 'esm'].map((format) => `${PACKAGE}/dist/${format}/tasks/nlp/${name}.js`)),
  filesOnly: true,
  targets: (exports) => [{ target: exports, methods: TASKS }],
  notFound: `${PACKAGE}: a task file without its task function; not instrumented`,
};

/**
 * The endpoint's text generation helper (providers/hf-inference.js): its `getResponse` gets no span of
 * its own, it only lets `textGeneration`'s span see the wire body the SDK reduces to the text
 * (wire-response.ts). The prototype is shared by every client.
 */
const HF_TEXT_GENERATION_HELPER: ModulePatch = {
  module: PACKAGE,
  versions: SUPPORTED_VERSIONS[PACKAGE],
  files: ['commonjs', 'esm'].map((format) => `${PACKAGE}/dist/${format}/providers/hf-inference.js`),
  filesOnly: true,
  targets: (exports) => [
    {
      target: (exports?.HFInferenceTextGenerationTask as { prototype?: object } | undefined)?.prototype,
      methods: { getResponse: { around: (_self, args, invoke) => rememberWireResponse(args, invoke) } },
    },
  ],
  notFound: `${PACKAGE}: providers/hf-inference.js without HFInferenceTextGenerationTask; textGeneration spans keep only what the SDK returns`,
};

/**
 * Traces `@huggingface/inference`: chat completions and text generation, plain and streamed, feature
 * extraction and sentence similarity, against the Hugging Face router, a routed provider, or a
 * self-hosted TGI / TEI endpoint.
 */
export class HuggingFaceInstrumentation extends GenAIInstrumentationBase<HuggingFaceInstrumentationConfig> {
  static override readonly backend: GenAIBackend = { name: PACKAGE_NAME, version: PACKAGE_VERSION, modules: [HF_INFERENCE_MODULE, HF_TEXT_GENERATION_HELPER] };
}
