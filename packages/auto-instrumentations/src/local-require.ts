import { createRequire } from 'node:module';

/**
 * `require` resolving from this package, in both builds. Instrumentations are loaded through it one by one
 * (synchronously, so they are in place before `node --require` hands over to the app; and each failure is
 * an exception we can catch and skip).
 * Sources shared by the CommonJS and ES module builds can use neither `import.meta.url` nor `__filename`,
 * and a bare `require` is not this module's in an ES module (in the REPL it is a global rooted at the cwd),
 * so the module's own file is read from V8's call site for this very line.
 */
export const localRequire: NodeJS.Require = createRequire(ownModuleFile());

function ownModuleFile(): string {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- saved to be put back on Error below, never called
  const original = Error.prepareStackTrace;
  try {
    Error.prepareStackTrace = (_error, callSites) => callSites;
    const callSites = new Error().stack as unknown as NodeJS.CallSite[] | undefined;
    const fileName = Array.isArray(callSites) ? callSites[0]?.getFileName() : undefined;
    if (fileName) return fileName;
  } finally {
    Error.prepareStackTrace = original;
  }
  throw new Error('@llm-provenance/auto-instrumentations: cannot locate its own module file to load instrumentations from');
}
