import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Hook } from 'require-in-the-middle';

/**
 * The SDK's CommonJS `Protocol` file. The package's `exports` map names a main entry that is not shipped
 * (`.` → dist/cjs/index.js), and require-in-the-middle only recognises files of a package whose main
 * entry resolves unless the file's full name is on its list, which OTel's shared require hook never sets.
 * Listing this file by full name (which require-in-the-middle compares without its `.js`) makes every
 * require of it — the SDK's own relative ones included — seen.
 */
export const PROTOCOL_CJS_FILE = '@modelcontextprotocol/sdk/dist/cjs/shared/protocol';

/**
 * Calls `patch` with the exports of the SDK's CommonJS shared/protocol.js, and the version of the
 * package it belongs to, each time the file is loaded; returns the means to stop.
 */
export function hookProtocolFile(patch: (exports: unknown, version: string | undefined) => unknown): { unhook(): void } {
  return new Hook(
    [PROTOCOL_CJS_FILE],
    { internals: true },
    <T>(exports: T, _name: string, basedir?: string): T => patch(exports, basedir ? packageVersion(basedir) : undefined) as T,
  );
}

function packageVersion(basedir: string): string | undefined {
  try {
    const version = (JSON.parse(readFileSync(path.join(basedir, 'package.json'), 'utf8')) as { version?: unknown }).version;
    return typeof version === 'string' ? version : undefined;
  } catch {
    return undefined;
  }
}
