import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** The built bin, as npm links it (`llm-provenance-emulators`). */
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cjs/cli.js');
const VERSION = (await import('../package.json', { with: { type: 'json' } })).default.version;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('llm-provenance-emulators command line', () => {
  it('--help prints the usage and exits 0', () => {
    const r = run('--help');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('usage: llm-provenance-emulators [--port N] [--chunk-delay-ms N]');
    expect(r.stderr).toBe('');
  });

  it('--version prints the package version and exits 0', () => {
    expect(run('--version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it('an unknown argument or a bad value is one line naming it, exit 2', () => {
    expect(run('--bogus')).toEqual({ code: 2, stdout: '', stderr: 'llm-provenance-emulators: unknown argument "--bogus"; see --help\n' });
    expect(run('--port', 'x')).toEqual({ code: 2, stdout: '', stderr: 'llm-provenance-emulators: --port needs a number, got "x"\n' });
  });
});
