/**
 * The conventions of the per-backend "tour" apps (test/fixtures/<name>-tour.{cjs,mjs}): each makes every
 * kind of call once and prints one JSON line per call, `{ "call": "<label>", ...what it observed }`.
 */
import { expect } from 'vitest';
import type { ErrorScenario, Scenario } from '@llm-provenance/provider-emulators';
import { provenanceOf } from './assertions.js';
import type { AppRun } from './run-app.js';

/** The tour app of `name` under both module systems, for `describe.each`. */
export function tourMatrix(name: string) {
  return [
    { module: 'cjs', app: `fixtures/${name}-tour.cjs` },
    { module: 'esm', app: `fixtures/${name}-tour.mjs` },
  ] as const;
}

/**
 * The emulator scenarios for a tour's first three calls, in the order every tour makes them: a
 * `get_weather({ city: 'Paris' })` tool call, the failing call answered with `error`, and a stream cut
 * off after `cutAfterChunks` chunks. Later calls get the emulator's default (echo) replies.
 */
export function tourScenarios(error: ErrorScenario, cutAfterChunks: number): Scenario[] {
  return [{ kind: 'tool_call', name: 'get_weather', arguments: { city: 'Paris' } }, error, { kind: 'stream_error_after', chunks: cutAfterChunks }];
}

/** What the app reported, by call label (its stdout: one JSON object with a `call` field a line). */
export function appReports(run: AppRun): Record<string, any> {
  const calls: Record<string, any> = {};
  for (const line of run.stdout.trim().split('\n')) {
    const { call, ...rest } = JSON.parse(line);
    calls[call] = rest;
  }
  return calls;
}

/**
 * Asserts every span of the run, in order, against `expected[i]`: a CLIENT span, status ERROR (2) exactly
 * when the expected map has `error.type` (else UNSET, 0), and the WHOLE attribute map equal to
 * `expected[i]` plus the provenance.* attributes recomputed from the store.
 */
export async function expectSpanAttributes(run: AppRun, expected: Record<string, unknown>[]): Promise<void> {
  for (const [i, span] of run.spans.entries()) {
    expect(span.kind).toBe('CLIENT');
    expect(span.status.code).toBe(expected[i]!['error.type'] ? 2 : 0);
    expect(span.attributes).toEqual({ ...expected[i], ...(await provenanceOf(run, i)) });
  }
}
