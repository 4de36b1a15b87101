import type { DiagLogger } from '@opentelemetry/api';
import { InstrumentationNodeModuleDefinition, type InstrumentationNodeModuleFile } from '@opentelemetry/instrumentation';

/**
 * Whether `version` satisfies `range`, for the npm range forms package.json peerDependencies use here:
 * comparator sets of `>=`, `>`, `<=`, `<`, `=` or a bare version, separated by spaces, alternatives
 * joined by `||` (e.g. `>=0.5.6 <0.7.0`, `>=1 <4`). Missing minor/patch count as 0; prerelease tags are
 * compared on the numeric part only. A malformed range throws a TypeError naming it.
 */
export function versionSatisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v) return false;
  return range.split('||').some((set) => {
    const comparators = set.trim().split(/\s+/).filter(Boolean);
    if (comparators.length === 0) throw new TypeError(`version range "${range}" has an empty alternative`);
    return comparators.every((c) => {
      const m = /^(>=|<=|>|<|=)?\s*v?(\d+(?:\.\d+){0,2})$/.exec(c);
      if (!m) throw new TypeError(`version range "${range}": cannot read comparator "${c}"`);
      const cmp = compare(v, parseVersion(m[2])!);
      switch (m[1] ?? '=') {
        case '>=':
          return cmp >= 0;
        case '>':
          return cmp > 0;
        case '<=':
          return cmp <= 0;
        case '<':
          return cmp < 0;
        default:
          return cmp === 0;
      }
    });
  });
}

function parseVersion(text: string): [number, number, number] | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : undefined;
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/**
 * A module definition that sees EVERY version of `name` but patches only those in `supportedRange`.
 * OTel's own version filter skips other versions silently; this one says so through `diag` (warn), once
 * per load, so a user on an unsupported SDK learns why no spans appear — and the app keeps running.
 */
export function supportedModuleDefinition(
  diag: DiagLogger,
  name: string,
  supportedRange: string,
  patch: (exports: unknown, version?: string) => unknown,
  unpatch?: (exports: unknown, version?: string) => void,
  files: InstrumentationNodeModuleFile[] = [],
): InstrumentationNodeModuleDefinition {
  const supported = (version: string | undefined) => version !== undefined && versionSatisfies(version, supportedRange);
  return new InstrumentationNodeModuleDefinition(
    name,
    ['*'],
    (exports: unknown, version?: string): unknown => {
      if (!supported(version)) {
        diag.warn(`${name}@${version ?? 'unknown version'} is outside the supported range "${supportedRange}"; it is not instrumented`);
        return exports;
      }
      return patch(exports, version);
    },
    (exports: unknown, version?: string): void => {
      if (supported(version)) unpatch?.(exports, version);
    },
    files,
  );
}
