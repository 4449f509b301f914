/**
 * How many wrong operator tokens are tried before the operator page stops comparing (issue 24,
 * finding 12: 300 wrong tokens at ~400/s, none refused). Each address may fail `perAddress` times per
 * window, and all addresses together `total` times: past either, every attempt of that address (or of
 * everyone) is refused without its token being compared, until the window ends — so a refusal says
 * nothing about the token, and a guesser with many addresses is bounded by `total`.
 *
 * Memory is bounded by construction: an address gets an entry only by failing, failures are capped at
 * `total` per window, and entries of windows that have ended are dropped on the way — at most `total`
 * entries, ever.
 */

export interface SignInThrottleOptions {
  /** failed attempts one address may make per window; default 10 */
  perAddress?: number;
  /** failed attempts all addresses together may make per window; default 100 */
  total?: number;
  /** default 60 000 ms */
  windowMs?: number;
  /** default Date.now */
  now?: () => number;
}

export class SignInThrottle {
  private readonly perAddress: number;
  private readonly total: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  /** failures of each address in the current window, in the order the addresses first failed */
  private readonly failures = new Map<string, { count: number; until: number }>();
  private all = { count: 0, until: 0 };

  constructor(o: SignInThrottleOptions = {}) {
    this.perAddress = o.perAddress ?? 10;
    this.total = o.total ?? 100;
    this.windowMs = o.windowMs ?? 60_000;
    this.now = o.now ?? Date.now;
  }

  /** entries held (for the memory bound's test) */
  get size(): number {
    return this.failures.size;
  }

  /** Undefined when `address` may try a token now, else the seconds until it may. */
  refusal(address: string): number | undefined {
    const now = this.now();
    this.expire(now);
    const mine = this.failures.get(address);
    const until = Math.max(this.all.count >= this.total ? this.all.until : 0, mine && mine.count >= this.perAddress ? mine.until : 0);
    return until > now ? Math.ceil((until - now) / 1000) : undefined;
  }

  /** Counts one wrong token from `address`. */
  failed(address: string): void {
    const now = this.now();
    this.expire(now);
    if (this.all.until <= now) this.all = { count: 0, until: now + this.windowMs };
    this.all.count++;
    const mine = this.failures.get(address);
    if (mine) mine.count++;
    else this.failures.set(address, { count: 1, until: now + this.windowMs });
  }

  /** Drops the entries whose window has ended: the oldest first, so the scan stops at the first live one. */
  private expire(now: number): void {
    for (const [address, f] of this.failures) {
      if (f.until > now) break;
      this.failures.delete(address);
    }
  }
}
