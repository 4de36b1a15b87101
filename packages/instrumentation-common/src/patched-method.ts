import { context } from '@opentelemetry/api';
import type { GenAIRequest } from './genai-span.js';
import { isTracedMethod, type MethodPatch, type TracedMethod, type WrappedMethod } from './patch-list.js';
import type { TracedCall } from './traced-call.js';
import type { InternalErrorReporter } from './internal-errors.js';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/** What a patched method needs from its instrumentation. */
export interface PatchHost {
  isEnabled(): boolean;
  readonly errors: InternalErrorReporter;
  /** Starts the span of a call, or undefined when it cannot be (the call then runs untraced). */
  startCall(method: TracedMethod, request: GenAIRequest, args: unknown[]): TracedCall | undefined;
}

/** The wrapper that replaces `original` for `method`: the one patched-method factory of every backend. */
export function patchedMethod(host: PatchHost, method: MethodPatch): (original: AnyFunction) => AnyFunction {
  return isTracedMethod(method) ? (original) => tracedMethod(host, method, original) : (original) => wrappedMethod(host, method, original);
}

/**
 * Disabled: the original, untouched. Enabled: the request is mapped and the span started inside a
 * try (a failure of ours runs the call untraced), the SDK's own method runs with the span active, and
 * exactly its return value is returned: the same promise, APIPromise, stream or value.
 */
function tracedMethod(host: PatchHost, method: TracedMethod, original: AnyFunction): AnyFunction {
  const around = method.around;
  return function patchedGenAIMethod(this: unknown, ...args: unknown[]) {
    if (!host.isEnabled()) return original.apply(this, args);
    const invoke = around ? () => around(this, args, () => original.apply(this, args)) : () => original.apply(this, args);
    let call: TracedCall | undefined;
    try {
      call = host.startCall(method, method.request(this, args), args);
    } catch (err) {
      host.errors.report('request mapping', err);
    }
    if (!call) return invoke();
    if (method.prepareArgs) prepareArgs(host, method, this, args, call);
    const last = args.length - 1;
    if (method.callback && last >= 0 && typeof args[last] === 'function') {
      args[last] = call.wrapCallback(args[last] as AnyFunction, context.active());
      return call.invoke(invoke);
    }
    const result = call.invoke(invoke);
    call.observe(result);
    return result;
  };
}

/** `method.prepareArgs` of a traced call; a failure of ours leaves the arguments as the app passed them. */
function prepareArgs(host: PatchHost, method: TracedMethod, self: unknown, args: unknown[], call: TracedCall): void {
  try {
    const attributes = method.prepareArgs!(self, args);
    if (attributes) call.span.span.setAttributes(attributes);
  } catch (err) {
    host.errors.report('argument preparation', err);
  }
}

/** No span: only `around` runs the original (e.g. Anthropic's `messages.stream()`, traced through `create`). */
function wrappedMethod(host: PatchHost, method: WrappedMethod, original: AnyFunction): AnyFunction {
  const around = method.around;
  return function patchedMethod(this: unknown, ...args: unknown[]) {
    if (!host.isEnabled()) return original.apply(this, args);
    return around(this, args, () => original.apply(this, args));
  };
}
