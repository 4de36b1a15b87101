/**
 * Percentiles of one group's latencies in bounded memory. The first EXACT_LIMIT values are kept as they
 * are, and percentiles over them are exact (nearest rank: the smallest value with at least p% of the
 * values at or below it). Past that the values move into logarithmic buckets, each covering values
 * within RELATIVE_ACCURACY of its midpoint (the DDSketch construction, https://arxiv.org/abs/1908.10693),
 * so a group holds at most a few hundred buckets however many calls it has, and a percentile is within
 * 1% of the exact one.
 */

/** Values kept exactly per group before switching to buckets. */
export const EXACT_LIMIT = 4096;
/** Relative error of a bucketed percentile. */
export const RELATIVE_ACCURACY = 0.01;

const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

export class Quantiles {
  private exact: number[] | undefined = [];
  private readonly buckets = new Map<number, number>();
  private zeros = 0;
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(value: number): void {
    this.n++;
    if (this.exact) {
      this.exact.push(value);
      if (this.exact.length > EXACT_LIMIT) {
        for (const v of this.exact) this.bucket(v);
        this.exact = undefined;
      }
      return;
    }
    this.bucket(value);
  }

  private bucket(value: number): void {
    if (value <= 0) {
      this.zeros++;
      return;
    }
    const i = Math.ceil(Math.log(value) / LOG_GAMMA);
    this.buckets.set(i, (this.buckets.get(i) ?? 0) + 1);
  }

  /** The p-th percentile (0 < p <= 100), or null when no value was added. */
  percentile(p: number): number | null {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil((p / 100) * this.n));
    if (this.exact) return [...this.exact].sort((x, y) => x - y)[rank - 1]!;
    let seen = this.zeros;
    if (seen >= rank) return 0;
    for (const i of [...this.buckets.keys()].sort((x, y) => x - y)) {
      seen += this.buckets.get(i)!;
      if (seen >= rank) return (2 * GAMMA ** i) / (GAMMA + 1);
    }
    return null;
  }
}
