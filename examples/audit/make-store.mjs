// Stands in for the operator's production app: runs app.mjs under the register hook against a loopback
// OpenAI emulator (no API key, no network), writing the provenance store.
// Usage: node make-store.mjs [--store <dir>]   (default ./.llm-provenance; an existing store is appended to)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startEmulator } from '@llm-provenance/provider-emulators';

const { values } = parseArgs({ options: { store: { type: 'string' } } });
const emulator = await startEmulator();
const env = {
  ...process.env,
  OPENAI_BASE_URL: `${emulator.url}/v1`,
  OPENAI_API_KEY: 'sk-example-not-a-real-key',
  LLM_PROVENANCE_DIR: path.resolve(values.store ?? '.llm-provenance'),
  OTEL_SERVICE_NAME: 'refund-desk',
};
const code = await new Promise((resolve, reject) => {
  const child = spawn(process.execPath, ['--import', '@llm-provenance/auto-instrumentations/register', 'app.mjs'], {
    cwd: path.dirname(fileURLToPath(import.meta.url)),
    env,
    stdio: 'inherit',
  });
  child.on('error', reject);
  child.on('close', (exitCode, signal) => resolve(signal ? 128 : exitCode));
});
await emulator.close();
console.log(`store ${path.relative(process.cwd(), env.LLM_PROVENANCE_DIR) || '.'}`);
process.exit(code);
