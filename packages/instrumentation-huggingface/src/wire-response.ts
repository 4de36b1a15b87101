/**
 * The wire response each text generation result was made from. Since 4.x sends `textGeneration` to an
 * endpoint's OpenAI-compatible `/v1/completions`, the SDK's `HFInferenceTextGenerationTask.getResponse`
 * keeps only `choices[0].text` of the `text_completion` it got back; the id, model, finish reason and
 * token usage are in that body. Wrapping `getResponse` remembers the body by the result it returned.
 */
const wireResponses = new WeakMap<object, unknown>();

/** Wraps the SDK's `getResponse(response)` call: its result, once there, is remembered with `response`. */
export function rememberWireResponse<T>(args: unknown[], invoke: () => T): T {
  const result = invoke();
  const wire = args[0];
  if (isPromiseLike(result)) {
    // Observed beside the SDK, which keeps its own promise; a rejection is the SDK's to report.
    result.then(
      (value) => remember(value, wire),
      () => undefined,
    );
  } else {
    remember(result, wire);
  }
  return result;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return !!value && typeof (value as { then?: unknown }).then === 'function';
}

/** Only a `text_completion` body is remembered: TGI's native answer (an array) is what the SDK returns already. */
function remember(result: unknown, wire: unknown): void {
  if (!result || typeof result !== 'object' || result === wire) return;
  if (wire && typeof wire === 'object' && Array.isArray((wire as { choices?: unknown }).choices)) wireResponses.set(result, wire);
}

/** The wire body `result` was made from, when the SDK returned only part of it. */
export function wireResponseOf(result: unknown): unknown {
  return result && typeof result === 'object' ? wireResponses.get(result) : undefined;
}
