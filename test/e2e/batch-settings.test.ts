/**
 * The OTEL_BSP_* variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/#batch-span-processor)
 * configure the batch span processor in front of OTLP when the store is off, on both OpenTelemetry JS lines:
 * @opentelemetry/sdk-trace's BatchSpanProcessor takes them as options only, so the register reads them.
 */
import { describe, expect, it } from 'vitest';
import { runApp } from '../harness/index.js';

describe('OTLP export with the store off', () => {
  it('sends each span as it ends with OTEL_BSP_MAX_EXPORT_BATCH_SIZE=1', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-three-chats.cjs', store: false, env: { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '1' } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.exports.map((received) => received.spans.map((span) => span.name))).toEqual([['chat gpt-4o-mini'], ['chat gpt-4o-mini'], ['chat gpt-4o-mini']]);
  });

  it('holds the spans for OTEL_BSP_SCHEDULE_DELAY and sends them in one request when the app exits', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-three-chats.cjs', store: false, env: { OTEL_BSP_SCHEDULE_DELAY: '600000' } });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.exports.map((received) => received.spans.length)).toEqual([3]);
  });
});
