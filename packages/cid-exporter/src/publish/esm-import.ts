/**
 * Loads the IPFS packages (helia, libp2p, blockstore-fs, kubo-rpc-client: ESM only) on first use, so
 * nothing else in this package loads them. TypeScript's CommonJS output turns `import()` into
 * `require()`, which cannot load an ES module on Node 20; a function built at run time keeps the real
 * dynamic `import()` in both builds (https://nodejs.org/api/esm.html#import-expressions).
 */

// eslint-disable-next-line @typescript-eslint/no-implied-eval -- the one way to keep import() in the CommonJS build
const functionImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

/**
 * The run-time function's import(), or, where the host gives such functions no import (a `node:vm`
 * context, as test runners use), this module's own `import()`: native in the ES module build.
 */
async function dynamicImport(specifier: string): Promise<unknown> {
  try {
    return await functionImport(specifier);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING') throw err;
    return (await import(specifier)) as unknown;
  }
}

/** Thrown when an optional IPFS package is not installed: its message says which and how to add it. */
export class MissingPackageError extends Error {
  override name = 'MissingPackageError';
}

/** Imports `specifier`; a package that is not installed becomes a MissingPackageError naming `feature`'s packages. */
export async function importOptional<T>(specifier: string, feature: string, packages: readonly string[]): Promise<T> {
  try {
    return (await dynamicImport(specifier)) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new MissingPackageError(
        `${feature} needs the optional packages ${packages.join(' ')} (npm install ${packages.join(' ')}): ${specifier} is not installed`,
      );
    }
    throw err;
  }
}
