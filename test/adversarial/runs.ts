/**
 * How many cases each adversarial family runs. The normal suite (`pnpm test`) runs the small counts;
 * `pnpm test:adversarial` sets LLM_PROVENANCE_ADVERSARIAL=full for the large ones. Any family's count can
 * be set on its own with LLM_PROVENANCE_ADVERSARIAL_RUNS_<FAMILY>, e.g. LLM_PROVENANCE_ADVERSARIAL_RUNS_KILL9=200.
 */
const full = process.env.LLM_PROVENANCE_ADVERSARIAL === 'full';

function count(family: string, ci: number, fullRun: number): number {
  const set = process.env[`LLM_PROVENANCE_ADVERSARIAL_RUNS_${family}`];
  if (set === undefined) return full ? fullRun : ci;
  const n = Number(set);
  if (!Number.isInteger(n) || n < 1) throw new Error(`LLM_PROVENANCE_ADVERSARIAL_RUNS_${family} must be a positive integer, not ${JSON.stringify(set)}`);
  return n;
}

export const RUNS = {
  /** kill -9 runs timed from outside (the exporter child and a real app under the register hook); a third as many more are kills inside a write. */
  kill9: count('KILL9', 10, 50),
  /** storage faults at a random write/fsync index, across the fault kinds. */
  faults: count('FAULTS', 8, 40),
  /** fuzzed stores given to verifyStore. */
  fuzzStores: count('FUZZ_STORES', 60, 600),
  /** fuzzed CAR files given to verifyCar. */
  fuzzCars: count('FUZZ_CARS', 150, 1500),
  /** fuzzed record lines given to the record decoder. */
  fuzzRecords: count('FUZZ_RECORDS', 500, 5000),
} as const;

/** Whether the large counts run (the signal, secrets and malformed-response matrices grow too). */
export const FULL = full;

/**
 * The seed of this run's random choices (kill points, fault indices): LLM_PROVENANCE_ADVERSARIAL_SEED
 * replays a run; failures print it.
 */
export const SEED = Number(process.env.LLM_PROVENANCE_ADVERSARIAL_SEED ?? Date.now() % 2 ** 31);

/** A small seeded generator (mulberry32): `random(n)` is an integer in [0, n). */
export function seeded(seed: number = SEED): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}
