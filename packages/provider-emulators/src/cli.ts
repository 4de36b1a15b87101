#!/usr/bin/env node
/**
 * Runs the emulator as a standalone process (for demos and for apps in other processes):
 *   llm-provenance-emulators [--port N] [--chunk-delay-ms N]
 * Prints `listening on http://127.0.0.1:PORT` once ready and stops cleanly on SIGINT / SIGTERM.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startEmulator } from './core/emulator.js';

const USAGE = `usage: llm-provenance-emulators [--port N] [--chunk-delay-ms N]

Serves the OpenAI, Anthropic, Gemini, Groq and Ollama wire formats on 127.0.0.1 (a free port unless
--port is given), answering every call locally. Prints "listening on http://127.0.0.1:PORT" once ready;
stops on SIGINT or SIGTERM.

  --port N             the port to listen on (0: any free port)
  --chunk-delay-ms N   pause between streamed chunks
  --version            print the version
  --help               print this text
`;

/** A command-line mistake: reported in one line, exit code 2. */
class UsageError extends Error {}

/** This package's version: its package.json sits two folders above the running script (dist/<format>/cli.js). */
function version(): string {
  const script = fs.realpathSync(process.argv[1] ?? '');
  const manifest = JSON.parse(fs.readFileSync(path.join(path.dirname(script), '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function parseArgs(argv: string[]): { port?: number; chunkDelayMs?: number } {
  const out: { port?: number; chunkDelayMs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' || flag === '--chunk-delay-ms') {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n))
        throw new UsageError(`${flag} needs a number, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
      if (flag === '--port') out.port = n;
      else out.chunkDelayMs = n;
      i++;
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(flag)}; see --help`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (argv.includes('--version')) {
    process.stdout.write(`${version()}\n`);
    return;
  }
  const emu = await startEmulator(parseArgs(argv));
  process.stdout.write(`listening on ${emu.url}\n`);
  const stop = () => {
    emu.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`llm-provenance-emulators: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof UsageError ? 2 : 1);
});
