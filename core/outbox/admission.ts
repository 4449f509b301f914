/**
 * A bound on the adapter work one process runs at once (first attempts of calls and outbox jobs alike).
 *
 * Why: an adapter's work shares the process with koogate's own. On SQLite every statement runs on
 * libuv's thread pool (4 threads), the pool that `crypto.scrypt`, `pbkdf2`, zlib and fs use too; and
 * on any database the event loop and the CPU are shared. 200 purchases at once whose adapter hashes a
 * password each queued 200 hashes ahead of every statement koogate needed to answer, and all 200 calls
 * missed the deadline. With a bound, a call that finds no free slot within a short wait is answered at
 * once and its work handed to the outbox, while the pool still has room for the statements of that answer.
 *
 * A waiting call is served before background work: it has a deadline, the outbox has none.
 */

/** Gives back a slot; calling it again does nothing. */
export type Release = () => void;

export class Admission {
  private busy = 0;
  private readonly waiting: Array<(release: Release) => void> = [];
  private readonly idleListeners: Array<() => void> = [];

  /** @param slots adapter calls run at once (at least 1) */
  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new RangeError(`slots must be a whole number of at least 1, not ${slots}`);
  }

  /** Slots taken now. */
  get inUse(): number {
    return this.busy;
  }

  /** Slots free with no call waiting for them: what background work may take. */
  get idle(): number {
    return this.waiting.length > 0 ? 0 : this.slots - this.busy;
  }

  /** A slot at once, or undefined when none is free (for background work, which never waits). */
  tryTake(): Release | undefined {
    if (this.idle === 0) return undefined;
    this.busy++;
    return this.releaser();
  }

  /**
   * A slot, waiting for one at most `waitMs` (first come, first served).
   * @returns undefined when none came free in time: the caller hands its work over instead
   */
  take(waitMs: number): Promise<Release | undefined> {
    const now = this.tryTake();
    if (now || waitMs <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter = (release: Release) => {
        clearTimeout(timer);
        resolve(release);
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(undefined);
        if (this.waiting.length === 0 && this.busy < this.slots) this.notifyIdle();
      }, waitMs);
      this.waiting.push(waiter);
    });
  }

  /** `listener` is called whenever a slot comes free that no waiting call takes. */
  onIdle(listener: () => void): void {
    this.idleListeners.push(listener);
  }

  private releaser(): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // the slot passes straight to the first waiting call
      if (next) return next(this.releaser());
      this.busy--;
      this.notifyIdle();
    };
  }

  private notifyIdle(): void {
    for (const l of this.idleListeners) l();
  }
}

/** Gives a slot back when `work` settles, or after `ms` if it has not by then. */
export function holdUntil(release: Release, work: Promise<unknown>, ms: number): void {
  const t = setTimeout(release, ms);
  t.unref();
  const done = () => {
    clearTimeout(t);
    release();
  };
  work.then(done, done);
}
