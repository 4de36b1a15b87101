import type { EmulatorOptions, Scenario } from './types.js';

export const SCENARIO_KINDS = new Set(['error', 'tool_call', 'stream_error_after', 'no_usage', 'hang', 'hold_after', 'text', 'cache', 'reasoning']);

/** Rejects malformed scenarios when they are queued, not when a request later trips over them. */
export function validateScenario(s: Scenario): void {
  if (!s || typeof s !== 'object' || !SCENARIO_KINDS.has((s as { kind?: string }).kind as string)) {
    throw new TypeError(`emulator.enqueue: unknown scenario ${JSON.stringify(s)}; kind must be one of ${[...SCENARIO_KINDS].join(', ')}`);
  }
  const bad = (msg: string) => new TypeError(`emulator.enqueue: ${s.kind} scenario ${msg}`);
  switch (s.kind) {
    case 'error':
      if (!Number.isInteger(s.status) || s.status < 400 || s.status > 599) throw bad('needs an integer status 400..599');
      if (s.retryAfter !== undefined && !(typeof s.retryAfter === 'number' && s.retryAfter >= 0)) throw bad('needs retryAfter >= 0 (seconds)');
      break;
    case 'tool_call':
      if (typeof s.name !== 'string' || s.name === '') throw bad('needs a non-empty name');
      if (!s.arguments || typeof s.arguments !== 'object' || Array.isArray(s.arguments)) throw bad('needs an arguments object');
      break;
    case 'stream_error_after':
    case 'hold_after':
      if (!Number.isInteger(s.chunks) || s.chunks < 0) throw bad('needs chunks >= 0');
      break;
    case 'text':
      if (typeof s.text !== 'string') throw bad('needs a text string');
      break;
    case 'cache':
      if (!Number.isInteger(s.read) || s.read < 0) throw bad('needs read >= 0');
      if (s.creation !== undefined && (!Number.isInteger(s.creation) || s.creation < 0)) throw bad('needs creation >= 0');
      break;
    case 'reasoning':
      if (!Number.isInteger(s.tokens) || s.tokens < 0) throw bad('needs tokens >= 0');
      break;
  }
}

/** Rejects bad startEmulator() options with a message naming the option. */
export function validateOptions(o: EmulatorOptions): void {
  const bad = (msg: string) => new TypeError(`startEmulator: ${msg}`);
  if (o === null || typeof o !== 'object') throw bad('options must be an object');
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 0 || o.port > 65535))
    throw bad(`port must be an integer 0..65535, got ${JSON.stringify(o.port)}`);
  if (o.now !== undefined && typeof o.now !== 'function') throw bad('now must be a function returning milliseconds');
  if (o.chunkDelayMs !== undefined && !(typeof o.chunkDelayMs === 'number' && o.chunkDelayMs >= 0))
    throw bad(`chunkDelayMs must be a number >= 0, got ${JSON.stringify(o.chunkDelayMs)}`);
  if (o.providers !== undefined) {
    if (!Array.isArray(o.providers)) throw bad('providers must be an array of provider modules');
    for (const p of o.providers) {
      if (!p || typeof p.name !== 'string' || !Array.isArray(p.routes) || typeof p.owns !== 'function' || typeof p.sendError !== 'function') {
        throw bad(`provider ${JSON.stringify((p as { name?: unknown })?.name)} must have name, routes, owns() and sendError()`);
      }
    }
  }
}
