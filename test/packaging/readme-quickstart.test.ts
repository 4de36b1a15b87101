/**
 * README.md's "Two commands" section, run as written: every shell block except the test command (the block
 * under "Run the tests:", which .ci/run runs). And its table of backends, checked against the ranges the
 * instrumentation packages enforce (SUPPORTED_VERSIONS).
 */
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { readStore } from '../harness/index.js';
import { codeBlocks, readmeSection, REPO_ROOT } from './readme.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** SUPPORTED_VERSIONS of one instrumentation package, from its build. */
function supportedVersions(folder: string): Record<string, string> {
  return (require(path.join(REPO_ROOT, 'packages', folder, 'dist/cjs/index.js')) as { SUPPORTED_VERSIONS: Record<string, string> }).SUPPORTED_VERSIONS;
}

describe("README.md's quick start", () => {
  it('runs every shell block of "Two commands" but the test command: the demo traces, stores and verifies', { timeout: 300_000 }, async () => {
    const blocks = codeBlocks(readmeSection('Two commands')).filter((block) => block.lang === 'sh');
    const testCommand = blocks.filter((block) => block.introducedBy === 'Run the tests:');
    expect(testCommand).toHaveLength(1);
    const others = blocks.filter((block) => block.introducedBy !== 'Run the tests:');
    expect(others.map((block) => block.text)).toEqual(['npx --yes pnpm@12.4.2 install --frozen-lockfile && npx --yes pnpm@12.4.2 demo\n']);
    for (const block of others) {
      // A clean environment, as in a new shell, so the commands are not steered by this test run's pnpm.
      const env = { PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`, HOME: process.env.HOME, NO_COLOR: '1' };
      const { stdout } = await run('bash', ['-c', block.text], { cwd: REPO_ROOT, env, maxBuffer: 64 * 1024 * 1024 });
      expect(stdout).toContain('8. Verify it yourself');
    }
    // The demo's store (examples/quickstart/.llm-provenance, reset at each run) holds its thirteen calls.
    const { logs } = await readStore(path.join(REPO_ROOT, 'examples/quickstart/.llm-provenance'));
    expect(logs.map((log) => log.records.length)).toEqual([13]);
  });

  it('lists every backend with the SDK range its instrumentation enforces', () => {
    const table = readmeSection('Supported backends');
    // Every instrumentation package (instrumentation-common is the shared machinery, not a backend).
    const backends = readdirSync(path.join(REPO_ROOT, 'packages')).filter(
      (folder) => folder.startsWith('instrumentation-') && folder !== 'instrumentation-common',
    );
    expect(backends.length).toBeGreaterThanOrEqual(5);
    const ranges = Object.assign({}, ...backends.map(supportedVersions)) as Record<string, string>;
    expect(Object.keys(ranges)).toEqual(
      expect.arrayContaining(['openai', '@anthropic-ai/sdk', '@google/genai', '@google/generative-ai', 'groq-sdk', 'ollama']),
    );
    for (const [sdk, range] of Object.entries(ranges)) expect(table, `${sdk} ${range}`).toContain(`\`${sdk}\` \`${range}\``);
  });
});
