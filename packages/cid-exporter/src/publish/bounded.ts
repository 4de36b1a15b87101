/** Runs async jobs with at most `limit` in flight; the first failure is thrown by drain() (and stops new jobs). */
export class Bounded {
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  /** Starts `job` once fewer than `limit` run. */
  async add(job: () => Promise<void>): Promise<void> {
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failure) throw this.failure.error;
    const p: Promise<void> = job().then(
      () => void this.running.delete(p),
      (error: unknown) => {
        this.running.delete(p);
        this.failure ??= { error };
      },
    );
    this.running.add(p);
  }

  /** Waits for every job started; throws the first failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
    if (this.failure) throw this.failure.error;
  }
}
