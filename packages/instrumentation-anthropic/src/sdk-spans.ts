/**
 * @anthropic-ai/sdk >= 0.134 traces its own API calls whenever a global tracer provider is registered
 * (CHANGELOG 0.134.0, "add native support for OpenTelemetry tracing"). A client decides that once, in
 * its constructor, by resolving its `_tracer` (undefined when `openTelemetry: false` or
 * `ANTHROPIC_OPEN_TELEMETRY=false`), and every traced method checks `client._tracer` SYNCHRONOUSLY
 * when it is called: `messages.create` and `countTokens` before starting their `anthropic.messages.*`
 * span, `messages.stream()` in `startMessagesStreamSpan`, and `client.request()` before choosing the
 * traced request path.
 *
 * Our span replaces the SDK's for the methods we patch, whatever the client's options or the
 * environment said, so the user never gets two spans for one call: for the synchronous part of the
 * call we hide the client's tracer, and put it back before returning. Other SDK methods (files, models,
 * batches ...) keep the SDK's own spans. Older SDKs have no `_tracer`; nothing is touched then.
 */
export function withoutSdkSpans<T>(client: unknown, call: () => T): T {
  const target = client as { _tracer?: unknown } | null | undefined;
  if (!target || typeof target !== 'object' || target._tracer === undefined) return call();
  const own = Object.prototype.hasOwnProperty.call(target, '_tracer');
  const tracer = target._tracer;
  try {
    target._tracer = undefined;
  } catch {
    return call();
  }
  try {
    return call();
  } finally {
    if (own) target._tracer = tracer;
    else delete target._tracer;
  }
}
