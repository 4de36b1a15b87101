/**
 * Counts what one adversarial family ran and what went wrong, and (when LLM_PROVENANCE_ADVERSARIAL_SUMMARY
 * names a directory, as `pnpm test:adversarial` does) writes it there as `<family>.json` when the file's
 * tests are done. scripts/adversarial-table.mjs prints RELIABILITY.md's table from those files.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll } from 'vitest';

export interface FamilySummary {
  family: string;
  /** Cases run (a kill, a fault, a tampered store, a fuzzed input, an app run). */
  cases: number;
  /** Records a child acknowledged as stored that the store does not hold afterwards. */
  lostAcknowledged: number;
  /** Changed stored bytes that verify (or the reader) accepted. */
  falseAccepts: number;
  /** Planted secrets found in stored or OTLP bytes. */
  secretHits: number;
  /** Results, errors or files of the app that differ from an uninstrumented run. */
  appVisibleChanges: number;
  /** Exceptions other than documented errors, and runs that did not finish. */
  crashesOrHangs: number;
  /** What else the family counted, e.g. {"torn tails cut": 4}. */
  details: Record<string, number>;
}

export function tally(family: string): FamilySummary {
  const summary: FamilySummary = {
    family,
    cases: 0,
    lostAcknowledged: 0,
    falseAccepts: 0,
    secretHits: 0,
    appVisibleChanges: 0,
    crashesOrHangs: 0,
    details: {},
  };
  afterAll(() => {
    const dir = process.env.LLM_PROVENANCE_ADVERSARIAL_SUMMARY;
    if (!dir) return;
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${family.replace(/[^a-z0-9]+/gi, '-')}.json`), JSON.stringify(summary, null, 2) + '\n');
  });
  return summary;
}

/** Adds `n` to a named detail counter. */
export function note(summary: FamilySummary, what: string, n = 1): void {
  summary.details[what] = (summary.details[what] ?? 0) + n;
}
