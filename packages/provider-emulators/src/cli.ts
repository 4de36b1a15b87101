#!/usr/bin/env node
/**
 * Runs the emulator as a standalone process (for demos and for apps in other processes):
 *   llm-provenance-emulators [--port N] [--chunk-delay-ms N]
 * Prints `listening on http://127.0.0.1:PORT` once ready and stops cleanly on SIGINT / SIGTERM.
 */
import { startEmulator } from './core/emulator.js';

function parseArgs(argv: string[]): { port?: number; chunkDelayMs?: number } {
  const out: { port?: number; chunkDelayMs?: number } = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--port' || flag === '--chunk-delay-ms') {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
      if (flag === '--port') out.port = n;
      else out.chunkDelayMs = n;
      i++;
    } else {
      throw new Error(`unknown argument ${JSON.stringify(flag)}; usage: llm-provenance-emulators [--port N] [--chunk-delay-ms N]`);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const emu = await startEmulator(parseArgs(process.argv.slice(2)));
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
  process.stderr.write(`llm-provenance-emulators: ${(err as Error)?.message ?? err}\n`);
  process.exit(2);
});
