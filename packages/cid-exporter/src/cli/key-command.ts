/** `llm-provenance key export [--store DIR] [--out FILE]`: the store's public key, for auditors to pin. */
import { parseArgs } from 'node:util';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { tempName } from '../fs-util.js';
import { storePaths } from '../record.js';
import { didKeyOfHex } from '../key/did-key.js';
import { storePublicKeyHex } from '../verify/trusted-keys.js';
import { assertOutputFolder, inputKind } from './input.js';
import { defaultStore, EXIT_OK, HELP_OPTION, parsingArgs, UsageError, type CliIO } from './io.js';

export const KEY_USAGE = `llm-provenance key export [--store DIR] [--out FILE]
  Prints the store's Ed25519 public key as a did:key (did:key:z6Mk...), derived from its key file
  (keys/ed25519.pem); with --out, writes it to FILE (one line). Give it to auditors: they pin it with
  llm-provenance verify --key did:key:z6Mk... (or --key FILE), which then accepts no other signer.
  --store DIR  the store (default $LLM_PROVENANCE_DIR, else ./.llm-provenance)
  --out FILE   write the did:key to FILE instead of printing it`;

export function runKey(args: string[], io: CliIO): number {
  const { values, positionals } = parsingArgs('key', () =>
    parseArgs({ args, allowPositionals: true, strict: true, options: { ...HELP_OPTION, store: { type: 'string' }, out: { type: 'string' } } }),
  );
  if (values.help) {
    io.out(KEY_USAGE);
    return EXIT_OK;
  }
  const [action, ...rest] = positionals;
  if (action === undefined) throw new UsageError('key needs an action: llm-provenance key export [--store DIR] [--out FILE]');
  if (action !== 'export') throw new UsageError(`unknown key action ${JSON.stringify(action)} (expected export)`);
  if (rest.length) throw new UsageError(`key export takes no positional arguments (use --store DIR), got: ${rest.join(' ')}`);
  const store = defaultStore(values.store);
  if (inputKind(store) === 'car') {
    throw new UsageError(`${store} is a CAR export: it carries signatures, not the store's key file (run key export on the store that wrote it)`);
  }
  const pem = join(store, storePaths.key);
  if (!existsSync(pem)) throw new UsageError(`store ${store} has no key file (${storePaths.key}): it has never been written to`);
  let rawHex: string | undefined;
  try {
    rawHex = storePublicKeyHex(pem);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (!rawHex) throw new UsageError(`store ${store} has no key file (${storePaths.key})`);
  const didKey = didKeyOfHex(rawHex);
  if (values.out === undefined) {
    io.out(didKey);
    return EXIT_OK;
  }
  assertOutputFolder(values.out, '--out');
  // a public key: readable by anyone (0644); written beside the target and renamed, never left half written
  const tmp = tempName(dirname(values.out), basename(values.out));
  try {
    writeFileSync(tmp, didKey + '\n', { mode: 0o644, flag: 'wx' });
    renameSync(tmp, values.out);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new UsageError(`--out ${values.out}: ${(err as Error).message}`);
  }
  io.out(`${didKey} written to ${values.out}`);
  return EXIT_OK;
}
