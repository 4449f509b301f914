/**
 * Group commit for concurrent calls. Items submitted while a flush is running wait for the next one,
 * and each flush handles everything waiting in one go (one multi-row statement, one transaction).
 * Under load that turns N round trips into one — on one SQLite connection the round trips are the cost
 * that matters — while a lone call still goes out at once, on the next turn of the event loop.
 *
 * One call's bad value stays its own: when a shared flush fails, each of its items is flushed alone, so
 * a value the database refuses (a NUL byte, a string too long for a PostgreSQL varchar) fails only the
 * call that sent it ("Hold under hostile traffic", item 3), not the hundred calls that shared its batch.
 */

/** A submitted item and the promise its caller waits on. */
interface Waiting<I, O> {
  item: I;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

/**
 * What a flush taking its batch late is handed: the first item waiting (it stays first until taken),
 * and `take`, which takes the batch at the moment it is called: the items waiting from the first on,
 * the first always and the next ones as long as `fits` accepts them. Called once per flush, before it returns.
 */
export interface LateBatch<I> {
  readonly first: I;
  take(fits?: (item: I) => boolean): I[];
}

/** Batches concurrent `submit`s into shared flushes; see the top of this file. */
export class Coalescer<I, O> {
  private queue: Array<Waiting<I, O>> = [];
  private draining = false;
  private readonly run: (batch: LateBatch<I>) => Promise<O[]>;

  /**
   * @param flush handles a batch; returns one result per item, in order. It must leave nothing behind
   *   when it throws (one statement, or one transaction), because a failed batch is tried again item
   *   by item: an item whose lone flush throws too is rejected with that error, its own.
   * @param maxBatch the most items in one flush (bounded by the database's limit on bound variables)
   */
  constructor(flush: (items: I[]) => Promise<O[]>, maxBatch?: number);
  /**
   * A flush that takes its batch late (`late: true`): when its statement has the database connection,
   * so that the items submitted while it waited for it (on SQLite's one connection, behind the other
   * batches' statements) go out with it, not in one more statement after it. Same rules otherwise.
   */
  constructor(flush: (batch: LateBatch<I>) => Promise<O[]>, maxBatch: number, late: true);
  constructor(
    flush: ((items: I[]) => Promise<O[]>) | ((batch: LateBatch<I>) => Promise<O[]>),
    private readonly maxBatch = 200,
    late = false,
  ) {
    this.run = late ? (flush as (batch: LateBatch<I>) => Promise<O[]>) : (batch) => (flush as (items: I[]) => Promise<O[]>)(batch.take());
  }

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
      let batch: Array<Waiting<I, O>> | undefined;
      const take = (fits?: (item: I) => boolean) => {
        if (batch) throw new Error("Coalescer: a flush took its batch twice");
        let n = Math.min(this.queue.length, this.maxBatch);
        if (fits) {
          // the first item is always taken: the flush chose what to do from it
          let k = 1;
          while (k < n && fits(this.queue[k]!.item)) k++;
          n = k;
        }
        batch = this.queue.splice(0, n);
        return batch.map((b) => b.item);
      };
      try {
        const out = await this.run({ first: this.queue[0]!.item, take });
        if (!batch) throw new Error("Coalescer: a flush returned without taking its batch");
        batch.forEach((b, i) => b.resolve(out[i]!));
      } catch (err) {
        // a flush that failed before it took its batch (the database could not be reached) fails the batch it would have taken
        batch ??= this.queue.splice(0, this.maxBatch);
        if (batch.length === 1) batch[0]!.reject(err);
        else await this.flushAlone(batch);
      }
    }
    this.draining = false;
  }

  /**
   * Flushes each item of a failed batch on its own. They are all started at once, not one after the
   * other: when the database itself is the fault (gone, or not answering), a batch of 200 then fails
   * in one timeout instead of 200 timeouts in a row, which would hold up every call queued behind it.
   * The database's pool still caps how many run at a time, and hands out connections in this order.
   */
  private async flushAlone(batch: ReadonlyArray<Waiting<I, O>>): Promise<void> {
    await Promise.all(
      batch.map(async (b) => {
        try {
          b.resolve((await this.run({ first: b.item, take: () => [b.item] }))[0]!);
        } catch (err) {
          b.reject(err);
        }
      }),
    );
  }
}
