/**
 * Group commit for concurrent calls. Items submitted while a flush is running wait for the next one,
 * and each flush handles everything waiting in one go (one multi-row statement, one transaction).
 * Under load that turns N round trips into one — on one SQLite connection the round trips are the cost
 * that matters — while a lone call still goes out at once, on the next turn of the event loop.
 */
export class Coalescer<I, O> {
  private queue: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private draining = false;

  /**
   * @param flush handles a batch; returns one result per item, in order. If it throws, every item of
   *   the batch is rejected with that error.
   * @param maxBatch the most items in one flush (bounded by the database's limit on bound variables)
   */
  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 200,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const out = await this.flush(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]!));
      } catch (err) {
        batch.forEach((b) => b.reject(err));
      }
    }
    this.draining = false;
  }
}
