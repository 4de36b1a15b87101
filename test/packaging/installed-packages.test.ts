/**
 * The packages as a user gets them: every public package packed with `pnpm pack` (scripts/pack-packages.mjs),
 * the tarballs installed with plain `npm install` into a fresh project outside the checkout (their
 * dependencies from the npm registry, through npm's cache), and README.md's "Use it in your app" snippets
 * run there as written: the install command, app.mjs, the app under `node --import <register>` against the
 * loopback emulator, then the installed `llm-provenance` command's query, verify and export.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startEmulator } from '@llm-provenance/provider-emulators';
import { describe, expect, it } from 'vitest';
import { readStore, testTempDir } from '../harness/index.js';
import { codeBlocks, readmeSection, REPO_ROOT, shellCommands } from './readme.js';

const run = promisify(execFile);

/** Public packages of the workspace: packages/* without "private": true. */
function publicManifests(): Array<Record<string, any>> {
  return readdirSync(path.join(REPO_ROOT, 'packages'))
    .map((folder) => path.join(REPO_ROOT, 'packages', folder, 'package.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')))
    .filter((manifest) => !manifest.private);
}

/**
 * The environment of a user's shell: this Node first on PATH, npm's own settings only (none of the
 * npm_config_* that `pnpm run` sets for its children), and npm told to prefer its cache and skip the
 * audit and funding requests, which changes what it contacts, not what it installs.
 *
 * Node's TLS trust settings (https://nodejs.org/api/cli.html#environment-variables) pass through, as a
 * user's shell has them. npm reaches the registry even for this install: building the tree, it prefetches
 * the manifests of the @llm-provenance/* versions the tarballs depend on before it sees that the tarballs
 * provide them (the registry answers 404 and npm moves on). npm reads its global npmrc, where a machine may
 * name the CA of the proxy it reaches the registry through (`cafile`), under its global prefix, which is
 * the folder of the Node running it (https://docs.npmjs.com/cli/v11/using-npm/config#globalconfig): a Node
 * binary installed elsewhere and first on PATH runs the system npm without that npmrc. Without the Node
 * variables as well, every prefetch then fails on the certificate and npm retries each one with backoff,
 * about 70 s per package: minutes in all.
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: process.env.HOME,
    npm_config_prefer_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    NO_COLOR: '1',
    ...extra,
  };
  const passedThrough = ['TMPDIR', 'npm_config_cache', 'npm_config_registry', 'HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'];
  const tlsTrust = ['NODE_EXTRA_CA_CERTS', 'NODE_USE_SYSTEM_CA', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];
  for (const name of [...passedThrough, ...tlsTrust]) {
    if (process.env[name] !== undefined && env[name] === undefined) env[name] = process.env[name];
  }
  return env;
}

interface ShellResult {
  command: string;
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one README command with bash in `cwd`, asynchronously (the emulator answers from this process);
 * never rejects, so each assertion can name what failed.
 */
async function sh(command: string, cwd: string, env: NodeJS.ProcessEnv): Promise<ShellResult> {
  try {
    const { stdout, stderr } = await run('bash', ['-c', command], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    return { command, status: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number | string; stdout?: string; stderr?: string };
    return { command, status: typeof failed.code === 'number' ? failed.code : null, stdout: failed.stdout ?? '', stderr: failed.stderr ?? String(error) };
  }
}

describe('the packed packages, installed with npm in a fresh project', () => {
  it('install, run the README quickstart under --import, and query, verify and export with the installed CLI', { timeout: 420_000 }, async () => {
    const root = testTempDir('llm-provenance-packaging-');
    // The layout README.md describes: the packed tarballs in a folder beside the app.
    const packagesDir = path.join(root, 'llm-provenance-packages');
    const appDir = path.join(root, 'app');

    // 1. Pack: one tarball per public package, workspace: specifiers replaced by versions.
    const { stdout: packed } = await run(process.execPath, [path.join(REPO_ROOT, 'scripts/pack-packages.mjs'), packagesDir], { cwd: REPO_ROOT });
    const manifests = publicManifests();
    expect(
      packed
        .trim()
        .split('\n')
        .map((file) => path.basename(file))
        .sort(),
    ).toEqual(manifests.map((manifest) => `${manifest.name.replace(/^@/, '').replace('/', '-')}-${manifest.version}.tgz`).sort());

    // 2. README.md's "Use it in your app": pack, install, app.mjs, run, audit, OTLP.
    const section = readmeSection('Use it in your app');
    const blocks = codeBlocks(section);
    const shellBlocks = blocks.filter((block) => block.lang === 'sh');
    const [packBlock, installBlock, runBlock, auditBlock] = shellBlocks;
    expect(shellCommands(packBlock!)).toEqual([
      'npx --yes pnpm@12.4.2 install --frozen-lockfile && npx --yes pnpm@12.4.2 pack-packages ../llm-provenance-packages',
    ]);
    const appBlock = blocks.find((block) => block.lang === 'js' && block.text.startsWith('// app.mjs\n'));
    expect(appBlock, 'README.md shows app.mjs').toBeDefined();

    // 3. Install the tarballs as README.md says, in a project of its own outside the checkout.
    mkdirSync(appDir);
    writeFileSync(path.join(appDir, 'package.json'), `${JSON.stringify({ name: 'my-app', version: '1.0.0', private: true }, null, 2)}\n`);
    const [installCommand] = shellCommands(installBlock!);
    expect(installCommand).toBe('npm install ../llm-provenance-packages/*.tgz openai');
    const install = await sh(installCommand!, appDir, userEnv());
    expect(install.status, `${install.command}\n${install.stderr}`).toBe(0);

    // What got installed: our packages from the tarballs, nothing still pointing into the workspace.
    for (const manifest of manifests) {
      const installed = JSON.parse(readFileSync(path.join(appDir, 'node_modules', ...manifest.name.split('/'), 'package.json'), 'utf8'));
      expect(installed.version).toBe(manifest.version);
      expect(JSON.stringify(installed)).not.toContain('workspace:');
      expect(installed).toMatchObject({ license: 'Apache-2.0', engines: { node: '>=20.6.0' } });
      expect(installed.exports['.']).toEqual({ types: './dist/esm/index.d.ts', import: './dist/esm/index.js', require: './dist/cjs/index.js' });
      expect(existsSync(path.join(appDir, 'node_modules', ...manifest.name.split('/'), 'dist/esm/index.d.ts'))).toBe(true);
    }
    // Each package loads under require and import, from the project rather than the checkout.
    const loadAll = `for (const name of ${JSON.stringify(manifests.map((manifest) => manifest.name))}) {
      const viaRequire = require(name); if (Object.keys(viaRequire).length === 0) throw new Error(name + ': require() gave nothing');
      if (!require.resolve(name).startsWith(process.cwd())) throw new Error(name + ' resolved outside the project');
      import(name).then((viaImport) => { if (Object.keys(viaImport).length === 0) throw new Error(name + ': import() gave nothing'); });
    }`;
    const loaded = await sh(`node -e '${loadAll.replace(/'/g, `'\\''`)}'`, appDir, userEnv());
    expect(loaded.stderr).toBe('');
    expect(loaded.status).toBe(0);
    // The attribution API comes from the package the user installs, under both module systems.
    const attribution = await sh(
      `node -e 'console.log(typeof require("@llm-provenance/auto-instrumentations").withAttribution)' && node --input-type=module -e 'import { withAttribution, setAttribution, readAttribution } from "@llm-provenance/auto-instrumentations"; console.log([withAttribution, setAttribution, readAttribution].map((f) => typeof f).join())'`,
      appDir,
      userEnv(),
    );
    expect(attribution.stdout).toBe('function\nfunction,function,function\n');

    // 4. The app from README.md, run as README.md says, against the loopback emulator.
    writeFileSync(path.join(appDir, 'app.mjs'), appBlock!.text);
    const emulator = await startEmulator();
    let runResult: ShellResult;
    try {
      const [runCommand] = shellCommands(runBlock!);
      expect(runCommand).toBe('node --import @llm-provenance/auto-instrumentations/register app.mjs');
      runResult = await sh(runCommand!, appDir, userEnv({ OPENAI_BASE_URL: `${emulator.url}/v1`, OPENAI_API_KEY: 'sk-packaging-test' }));
      expect(emulator.requests.map((request) => [request.method, request.path])).toEqual([['POST', '/v1/chat/completions']]);
    } finally {
      await emulator.close();
    }
    expect(runResult.stderr).toBe('');
    expect(runResult.stdout).toBe('Echo: Say hello\n');
    expect(runResult.status).toBe(0);

    // The store, read independently of the installed code: one record of that call, attributed.
    const storeDir = path.join(appDir, '.llm-provenance');
    const { logs } = await readStore(storeDir);
    expect(logs).toHaveLength(1);
    const [log] = logs;
    expect(log!.records).toHaveLength(1);
    expect(log!.records[0]!.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.usage.input_tokens': 2,
      'gen_ai.usage.output_tokens': 3,
      'enduser.id': 'alice',
      'provenance.task.id': 'T-42',
    });
    const recordCid = log!.cids[0]!;

    // 5. The installed CLI, run as README.md says.
    const audit = shellCommands(auditBlock!);
    expect(audit).toEqual([
      'npm exec llm-provenance -- query .llm-provenance',
      'npm exec llm-provenance -- verify .llm-provenance',
      'npm exec llm-provenance -- export .llm-provenance --car audit.car',
      'npm exec llm-provenance -- verify audit.car',
    ]);
    const results: ShellResult[] = [];
    for (const command of audit) results.push(await sh(command, appDir, userEnv()));
    const [query, verifyStore, exportCar, verifyCar] = results;
    for (const result of [query, verifyStore, exportCar, verifyCar]) expect(result!.status, `${result!.command}\n${result!.stderr}`).toBe(0);
    // query names the record by its CID and shows the model; verify names what it checked.
    expect(query!.stdout).toContain(recordCid);
    expect(query!.stdout).toContain('gpt-4o-mini');
    expect(verifyStore!.stdout).toContain('.llm-provenance');
    expect(verifyStore!.stdout).toMatch(/\b1 record/);
    expect(verifyCar!.stdout).toContain('audit.car');
    expect(verifyCar!.stdout).toMatch(/\b1 record/);
    // The CAR: a CARv1 file (varint header length, then the DAG-CBOR header) holding the record's block.
    const car = readFileSync(path.join(appDir, 'audit.car'));
    expect(car.length).toBeGreaterThan(0);
    expect(car.includes(Buffer.from(readFileSync(path.join(storeDir, 'logs', `${log!.logId}.jsonl`), 'utf8').split('\n')[0]!, 'utf8'))).toBe(true);

    // The same verify fails (exit 1) once a stored byte changes: it checks, it does not just list.
    const logFile = path.join(storeDir, 'logs', `${log!.logId}.jsonl`);
    writeFileSync(logFile, readFileSync(logFile, 'utf8').replace('"alice"', '"mallet"'));
    const tampered = await sh(audit[1]!, appDir, userEnv());
    expect(tampered.status).toBe(1);
  });
});
