/**
 * `pnpm demo` (examples/quickstart/demo.mjs) end to end, with its store in a temp dir: the app (five provider
 * SDKs, a vLLM server over fetch, a TGI server through @huggingface/inference) runs under --import, and what the demo prints is checked against the store read independently
 * (test/harness readStore: multiformats only, every CID recomputed).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readStore, startOtlpReceiver, TEST_ROOT, testTempDir } from '../harness/index.js';

const run = promisify(execFile);
const REPO = path.resolve(TEST_ROOT, '..');

/** A line of the demo's output, whatever the column padding: words separated by runs of spaces. */
function lineMatching(...words: Array<string | number>): RegExp {
  const escaped = words.map((word) => String(word).replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^ +${escaped.join(' +')}$`, 'm');
}

const dollars = (amount: number) => `$${amount.toFixed(8)}`;

describe('quickstart demo', () => {
  it('traces five providers and two self-hosted servers from one unmodified app, attributes their cost, finds the inconsistent answers and verifies the store', async () => {
    const storeDir = path.join(testTempDir('quickstart-'), 'store');
    const receiver = await startOtlpReceiver();
    const env = { PATH: process.env.PATH, NO_COLOR: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    const { stdout, stderr } = await run(process.execPath, ['examples/quickstart/demo.mjs', '--store', storeDir], { cwd: REPO, env }).finally(() =>
      receiver.close(),
    );
    expect(stderr).toBe('');

    // The store holds exactly the app's thirteen calls, across five providers and two self-hosted servers, in call order.
    const { logs, checkpoints, blocks } = await readStore(storeDir);
    expect(logs).toHaveLength(1);
    const [log] = logs;
    const records = log!.records;
    expect(
      records.map((record) => [
        record.attributes['gen_ai.provider.name'],
        record.attributes['gen_ai.operation.name'],
        record.attributes['gen_ai.request.model'],
        record.attributes['gen_ai.request.stream'] ?? null,
      ]),
    ).toEqual([
      ['openai', 'chat', 'gpt-4o-mini', null],
      ['openai', 'chat', 'gpt-4o-mini', null],
      ['anthropic', 'chat', 'claude-sonnet-4-20250514', null],
      ['anthropic', 'chat', 'claude-sonnet-4-20250514', true],
      ['gcp.gemini', 'generate_content', 'gemini-2.5-flash', false],
      ['gcp.gemini', 'generate_content', 'gemini-2.5-flash', true],
      ['groq', 'chat', 'llama-3.3-70b-versatile', null],
      ['ollama', 'chat', 'llama3.2', false],
      ['openai', 'chat', 'gpt-4o-mini', true],
      ['openai', 'chat', 'gpt-4o-mini', null],
      ['openai', 'embeddings', 'text-embedding-3-small', null],
      ['vllm', 'chat', 'Qwen/Qwen2.5-1.5B-Instruct', null],
      ['hf.tgi', 'chat', 'tgi', false],
    ]);
    // The self-hosted calls: one through plain fetch (traced by route), one through @huggingface/inference
    // (traced by its instrumentation, with no second span from the fetch underneath).
    expect(records.slice(11).map((record) => record.scope.name)).toEqual([
      '@llm-provenance/instrumentation-inference-servers',
      '@llm-provenance/instrumentation-huggingface',
    ]);
    // Attribution from withAttribution() in the app: alice's two fact checks, bob's four release-note calls,
    // carol's two summaries on the self-hosted servers.
    expect(records.map((record) => [record.attributes['enduser.id'] ?? null, record.attributes['provenance.task.id'] ?? null])).toEqual([
      ['alice', 'fact-check'],
      ['alice', 'fact-check'],
      ...Array(4).fill(['bob', 'release-notes']),
      ...Array(5).fill([null, null]),
      ['carol', 'summaries'],
      ['carol', 'summaries'],
    ]);
    expect(checkpoints).toEqual([`${log!.logId}.000000000013.json`]);

    // With an OTLP endpoint set, the same thirteen spans went there too, carrying the store's record CIDs.
    expect(stdout).toContain(`OTLP              ${receiver.url}`);
    // (OTLP batches may arrive in any order, so spans are matched to records by span id.)
    const cidBySpanId = new Map(records.map((record, seq) => [record.spanId, log!.cids[seq]]));
    expect(receiver.spans()).toHaveLength(13);
    for (const span of receiver.spans()) expect(span.attributes['provenance.record.cid']).toBe(cidBySpanId.get(span.spanId));
    expect(new Set(receiver.spans().map((span) => span.attributes['provenance.record.cid']))).toEqual(new Set(log!.cids));
    expect(receiver.spans()[0]!.resource['service.name']).toBe('quickstart');

    // What the app itself printed: the two scripted answers, then each SDK's answer from the emulator.
    for (const line of [
      'app │ openai  chat #1        1989',
      'app │ openai  chat #2        1991',
      'app │ anthropic message      Echo: Summarise: every LLM call now has a CID',
      'app │ anthropic stream       Echo: List three audit checks',
      'app │ gemini  generate       Echo: Explain a hash chain in one line',
      'app │ gemini  stream         Echo: Why sign checkpoints?',
      'app │ groq    chat           Echo: Classify this ticket: refund request',
      'app │ ollama  chat           Echo: Draft a commit message',
      'app │ openai  stream         Echo: Name three hash functions',
      'app │ openai  embeddings     2 vectors of 1536 dimensions',
      'app │ vllm    chat (fetch)   Echo: Summarise the audit log',
      'app │ tgi     chat           Echo: Summarise the incident report',
    ]) {
      expect(stdout).toContain(line);
    }
    expect(stdout).toContain('✔ 13 requests answered by the emulators');

    // Per record: provider · operation · model, tokens, cost, and the record / input / output CIDs.
    records.forEach((record, seq) => {
      const a = record.attributes;
      const tokens = [
        `${a['gen_ai.usage.input_tokens']} in`,
        ...(a['gen_ai.usage.output_tokens'] === undefined ? [] : [`${a['gen_ai.usage.output_tokens']} out`]),
      ];
      // The price table has no entry for a self-hosted model: its cost is unknown, not zero.
      const cost = a['gen_ai.usage.cost.amount'] === undefined ? 'unknown' : `${dollars(a['gen_ai.usage.cost.amount'])} (price_table)`;
      const block = [
        `#${seq} ${a['gen_ai.provider.name']} · ${a['gen_ai.operation.name']} · ${a['gen_ai.response.model']}`,
        `      tokens  ${tokens.join(' · ')}   cost  ${cost}`,
        `      record  ${log!.cids[seq]}`,
        `      input   ${record.input['/']}`,
        `      output  ${record.output ? record.output['/'] : 'none (embedding vectors are not stored as content)'}`,
      ];
      expect(stdout).toContain(block[0]);
      expect(stdout).toContain(block.slice(1).join('\n'));
    });
    expect(stdout).toContain('      says    Echo: Draft a commit message');

    // Credit assignment: totals per provider and per user/task, recomputed here from the store.
    const totals = (keyOf: (attributes: Record<string, any>) => string) => {
      const out = new Map<string, { calls: number; input: number; output: number; cost: number; unpriced: number }>();
      for (const { attributes } of records) {
        const t = out.get(keyOf(attributes)) ?? { calls: 0, input: 0, output: 0, cost: 0, unpriced: 0 };
        t.calls += 1;
        t.input += attributes['gen_ai.usage.input_tokens'] ?? 0;
        t.output += attributes['gen_ai.usage.output_tokens'] ?? 0;
        if (attributes['gen_ai.usage.cost.amount'] === undefined) t.unpriced += 1;
        else t.cost += attributes['gen_ai.usage.cost.amount'];
        out.set(keyOf(attributes), t);
      }
      return out;
    };
    const byProvider = totals((a) => a['gen_ai.provider.name']);
    expect([...byProvider.keys()]).toEqual(['openai', 'anthropic', 'gcp.gemini', 'groq', 'ollama', 'vllm', 'hf.tgi']);
    const unpriced = (t: { unpriced: number }) => (t.unpriced ? ['+', t.unpriced, 'unpriced'] : []);
    for (const [provider, t] of byProvider) expect(stdout).toMatch(lineMatching(provider, t.calls, t.input, t.output, dollars(t.cost), ...unpriced(t)));
    expect(byProvider.get('vllm')).toMatchObject({ calls: 1, unpriced: 1 });
    const byUser = totals((a) => (a['enduser.id'] ? `${a['enduser.id']} / ${a['provenance.task.id']}` : '(unattributed)'));
    // The emulator's token rule: 13 words of question, a one-word answer, twice.
    expect(byUser.get('alice / fact-check')).toMatchObject({ calls: 2, input: 26, output: 2 });
    for (const [user, t] of byUser) expect(stdout).toMatch(lineMatching(user, t.calls, t.input, t.output, dollars(t.cost), ...unpriced(t)));
    const grandTotal = [...byProvider.values()].reduce((sum, t) => sum + t.cost, 0);
    // One total line under each table.
    expect(stdout.match(new RegExp(lineMatching('total', 13, 83, 62, dollars(grandTotal), '+', 2, 'unpriced').source, 'gm'))).toHaveLength(2);

    // Consistency: the two fact checks share one input CID and got different outputs; every other input is unique.
    const inputs = records.map((record) => record.input['/']);
    expect(inputs[1]).toBe(inputs[0]);
    expect(new Set(inputs).size).toBe(12);
    const [first, second] = records.map((record) => record.output?.['/']);
    expect(first).not.toBe(second);
    expect(stdout).toContain(
      [
        `   input ${inputs[0]} asked 2 times: In which year did the Berlin Wall fall? Answer with the year only.`,
        `      #0 openai gpt-4o-mini -> output ${first}  1989`,
        `      #1 openai gpt-4o-mini -> output ${second}  1991`,
        '   ✘ 2 different outputs for one input: inconsistent, check these answers before trusting them',
        '   12 distinct inputs over 13 calls; 1 asked more than once, 1 of them with differing outputs',
      ].join('\n'),
    );

    // Verification comes last, and every payload block in the store was re-hashed.
    const verified = stdout.indexOf(`✔ log ${log!.logId}: 13 records, hash chain intact, 1 signed checkpoint covering 13/13`);
    expect(verified).toBeGreaterThan(stdout.indexOf('Consistency'));
    expect(stdout).toContain(`✔ ${blocks.size} payload blocks re-hashed, every CID matches its bytes`);

    // The command it prints to verify again works.
    const cli = path.join(REPO, 'packages/cid-exporter/bin/llm-provenance.cjs');
    expect(stdout).toContain(`node ${path.relative(REPO, cli)} verify ${path.relative(REPO, storeDir)}`);
    await expect(run(process.execPath, [cli, 'verify', storeDir], { cwd: REPO, env })).resolves.toMatchObject({
      stdout: expect.stringContaining('OK store'),
      stderr: '',
    });
  });
});
