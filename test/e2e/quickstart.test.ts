/** `pnpm demo` (examples/quickstart/demo.mjs) end to end, with its store in a temp dir. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { readStore, startOtlpReceiver, TEST_ROOT } from '../harness/index.js';

const run = promisify(execFile);
const REPO = path.resolve(TEST_ROOT, '..');

describe('quickstart demo', () => {
  it('runs the app under --import, verifies the store and lists its records with their CIDs', async () => {
    const storeDir = path.join(mkdtempSync(path.join(tmpdir(), 'quickstart-')), 'store');
    const receiver = await startOtlpReceiver();
    const env = { PATH: process.env.PATH, NO_COLOR: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    const { stdout, stderr } = await run(process.execPath, ['examples/quickstart/demo.mjs', '--store', storeDir], { cwd: REPO, env }).finally(() =>
      receiver.close(),
    );
    expect(stderr).toBe('');
    const { logs, checkpoints } = await readStore(storeDir);
    expect(logs).toHaveLength(1);
    const [log] = logs;
    expect(log!.records.map((record) => record.name)).toEqual([
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'chat gpt-4o-mini',
      'embeddings text-embedding-3-small',
    ]);
    expect(checkpoints).toEqual([`${log!.logId}.000000000004.json`]);
    // With an OTLP endpoint set, the same four spans went there too, carrying the store's record CIDs.
    expect(stdout).toContain(`OTLP              ${receiver.url}`);
    expect(receiver.spans().map((span) => span.attributes['provenance.record.cid'])).toEqual(log!.cids);
    expect(receiver.spans()[0]!.resource['service.name']).toBe('quickstart');
    expect(stdout).toContain('app │ chat       Echo: What does content addressing mean?');
    expect(stdout).toContain('app │ tool call  get_weather(');
    expect(stdout).toContain(`✔ log ${log!.logId}: 4 records, hash chain intact, 1 signed checkpoint covering 4/4`);
    for (const cid of log!.cids) expect(stdout).toContain(`record  ${cid}`);
    // The command it prints to verify again works.
    const cli = path.join(REPO, 'packages/cid-exporter/bin/llm-provenance.cjs');
    expect(stdout).toContain(`node ${path.relative(REPO, cli)} verify ${path.relative(REPO, storeDir)}`);
    await expect(run(process.execPath, [cli, 'verify', storeDir], { cwd: REPO, env })).resolves.toMatchObject({ stderr: '' });
  });
});
