/**
 * What the register hook does around the app's calls: flushing on signals, the tour of OpenAI call kinds,
 * switches (OTEL_SDK_DISABLED, LLM_PROVENANCE_STORE=off, OTEL_TRACES_EXPORTER=console), bad configuration,
 * and the environment it sets for the app.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyStore } from '@llm-provenance/cid-exporter';
import { provenanceOf, readStore, runApp, testTempDir } from '../harness/index.js';

describe('signals', () => {
  it('flushes and checkpoints on SIGTERM, then the process dies of SIGTERM', async () => {
    const run = await runApp({
      module: 'cjs',
      app: 'fixtures/openai-until-signal.cjs',
      signal: { send: 'SIGTERM', whenStdout: 'CALLED' },
    });
    expect(run.stdout).toBe('CALLED chatcmpl-emu-1\n');
    expect(run.signal).toBe('SIGTERM');
    expect(run.exitCode).toBeNull();
    expect(run.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
    expect(run.spans[0]!.attributes).toMatchObject(await provenanceOf(run, 0));
    const { logs, checkpoints } = await readStore(run.storeDir!);
    expect(checkpoints).toEqual([`${logs[0]!.logId}.000000000001.json`]);
    expect(readdirSync(path.join(run.storeDir!, 'logs'))).toEqual([`${logs[0]!.logId}.jsonl`]);
    expect(verifyStore(run.storeDir!).ok).toBe(true);
  });

  it("flushes on SIGTERM but leaves exiting to the app's own handler", async () => {
    const run = await runApp({
      module: 'cjs',
      app: 'fixtures/openai-until-signal.cjs',
      env: { HANDLE_SIGTERM: '1' },
      signal: { send: 'SIGTERM', whenStdout: 'CALLED' },
    });
    expect(run.stdout).toBe('CALLED chatcmpl-emu-1\napp handler ran\n');
    expect(run.signal).toBeNull();
    expect(run.exitCode).toBe(0);
    expect(run.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
    const { logs, checkpoints } = await readStore(run.storeDir!);
    expect(logs[0]!.records).toHaveLength(1);
    expect(checkpoints).toEqual([`${logs[0]!.logId}.000000000001.json`]);
    // The app's process.exit() skipped the asynchronous shutdown, but the 'exit' hook closed the store
    // synchronously: nothing new to checkpoint, and the lock is gone.
    expect(readdirSync(path.join(run.storeDir!, 'logs')).sort()).toEqual([`${logs[0]!.logId}.jsonl`]);
  });

  it('flushes on SIGINT (Ctrl-C) under --import, then the process dies of SIGINT', async () => {
    const run = await runApp({
      module: 'esm',
      app: 'fixtures/openai-until-signal.cjs',
      signal: { send: 'SIGINT', whenStdout: 'CALLED' },
    });
    expect(run.signal).toBe('SIGINT');
    expect(run.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
  });
});

describe('a tour of OpenAI calls', () => {
  it('records chat, streaming, tool call and embeddings in order, each linked to the previous record', async () => {
    const run = await runApp({
      module: 'esm',
      app: 'fixtures/openai-tour.mjs',
      scenarios: [{ kind: 'text', text: 'A content identifier' }],
    });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const output = JSON.parse(run.stdout);
    expect(output.chat).toBe('A content identifier');
    expect(output.streamed).toBe('Echo: Stream me five words please');
    expect(output.embeddingLength).toBeGreaterThan(0);
    expect(run.spans.map((span) => [span.name, span.kind])).toEqual([
      ['chat gpt-4o-mini', 'CLIENT'],
      ['chat gpt-4o-mini', 'CLIENT'],
      ['chat gpt-4o-mini', 'CLIENT'],
      ['embeddings text-embedding-3-small', 'CLIENT'],
    ]);
    const { logs } = await readStore(run.storeDir!);
    const [log] = logs;
    expect(log!.records.map((record) => record.seq)).toEqual([0, 1, 2, 3]);
    expect(log!.records.map((record) => record.prev)).toEqual([null, { '/': log!.cids[0] }, { '/': log!.cids[1] }, { '/': log!.cids[2] }]);
    for (const [seq, span] of run.spans.entries()) {
      expect(span.attributes).toMatchObject(await provenanceOf(run, seq));
    }
    expect(run.spans[1]!.attributes['gen_ai.usage.output_tokens']).toBe(6);
    expect(verifyStore(run.storeDir!).ok).toBe(true);
  });
});

describe('switches', () => {
  it('OTEL_SDK_DISABLED=true turns everything off: no spans, nothing stored, the app runs', async () => {
    const run = await runApp({ module: 'esm', app: 'fixtures/openai-chat.mjs', env: { OTEL_SDK_DISABLED: 'true' } });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).content).toBe('Echo: Say hello to the provenance store');
    expect(run.spans).toEqual([]);
    expect(readdirSync(run.storeDir!)).toEqual([]);
  });

  it('LLM_PROVENANCE_STORE=off exports plain spans without provenance attributes', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', store: false });
    expect(run.exitCode).toBe(0);
    expect(run.spans).toHaveLength(1);
    expect(
      Object.keys(run.spans[0]!.attributes).filter(
        (key) => key.startsWith('provenance.') && key !== 'provenance.credential.fingerprint' && key !== 'provenance.provider.request_id',
      ),
    ).toEqual([]);
  });

  it('OTEL_TRACES_EXPORTER=console prints the stored span to stdout instead of sending OTLP', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', env: { OTEL_TRACES_EXPORTER: 'console' } });
    expect(run.exitCode).toBe(0);
    expect(run.spans).toEqual([]);
    const { logs } = await readStore(run.storeDir!);
    expect(run.stdout).toContain("name: 'chat gpt-4o-mini'");
    expect(run.stdout).toContain(`'provenance.record.cid': '${logs[0]!.cids[0]}'`);
  });

  it('OTEL_TRACES_EXPORTER=none keeps OTLP quiet but the store still records', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', env: { OTEL_TRACES_EXPORTER: 'none' } });
    expect(run.exitCode).toBe(0);
    expect(run.spans).toEqual([]);
    expect((await readStore(run.storeDir!)).logs[0]!.records).toHaveLength(1);
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS=openai leaves the openai SDK unpatched', async () => {
    const run = await runApp({ module: 'esm', app: 'fixtures/openai-chat.mjs', env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'openai' } });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout).id).toBe('chatcmpl-emu-1');
    expect(run.spans).toEqual([]);
  });

  it('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT alone (a full URL) turns OTLP on', async () => {
    const run = await runApp({
      module: 'cjs',
      app: 'fixtures/openai-chat.cjs',
      protocol: false,
      env: ({ receiverUrl }) => ({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiverUrl}/v1/traces` }),
    });
    expect(run.stderr).toBe('');
    expect(run.exports.map((received) => received.protocol)).toEqual(['http/protobuf']);
    expect(run.spans.map((span) => span.name)).toEqual(['chat gpt-4o-mini']);
  });

  it('reports a bad setting by name and runs the app uninstrumented rather than not at all', async () => {
    const run = await runApp({ module: 'esm', app: 'fixtures/openai-chat.mjs', env: { OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' } });
    expect(run.stderr).toBe(
      '@llm-provenance/auto-instrumentations: configuration error: OTEL_EXPORTER_OTLP_PROTOCOL: unsupported OTLP protocol "thrift" (supported: grpc, http/protobuf, http/json); tracing is OFF for this process\n',
    );
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).id).toBe('chatcmpl-emu-1');
    expect(run.spans).toEqual([]);
  });
});

describe('environment for the app', () => {
  it('sets ANTHROPIC_OPEN_TELEMETRY=false so the Anthropic SDK does not emit a second span per call', async () => {
    const run = await runApp({ module: 'cjs', app: 'fixtures/print-env.cjs' });
    expect(JSON.parse(run.stdout)).toEqual({ ANTHROPIC_OPEN_TELEMETRY: 'false' });
  });

  it("leaves the user's own ANTHROPIC_OPEN_TELEMETRY alone", async () => {
    const run = await runApp({ module: 'esm', app: 'fixtures/print-env.cjs', env: { ANTHROPIC_OPEN_TELEMETRY: 'true' } });
    expect(JSON.parse(run.stdout)).toEqual({ ANTHROPIC_OPEN_TELEMETRY: 'true' });
  });
});

describe('a store that cannot be opened', () => {
  it('still exports the span over OTLP and names the directory on stderr', async () => {
    // A regular file as the parent of the store directory: mkdir fails with ENOTDIR even for root.
    const parent = path.join(testTempDir('llm-provenance-e2e-'), 'not-a-directory');
    writeFileSync(parent, 'x');
    const storeDir = path.join(parent, 'store');
    const run = await runApp({ module: 'cjs', app: 'fixtures/openai-chat.cjs', storeDir });
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout).id).toBe('chatcmpl-emu-1');
    expect(run.stderr).toMatch(
      new RegExp(
        `^@llm-provenance/auto-instrumentations: cannot open the provenance store at ${storeDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: .*ENOTDIR.*; spans go to the other trace exporters only, NOT to the store\\n$`,
      ),
    );
    expect(run.spans.map((span) => [span.name, span.kind])).toEqual([['chat gpt-4o-mini', 'CLIENT']]);
    expect(run.spans[0]!.attributes['provenance.record.cid']).toBeUndefined();
    expect(run.spans[0]!.attributes['gen_ai.response.id']).toBe('chatcmpl-emu-1');
  });
});
