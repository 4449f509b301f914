/**
 * Fixed-window rate limits of the licence relay (per client address, per code), in memory: a limit per
 * process, which is what protects it. The table is bounded: past `maxKeys` entries, windows that ended
 * are dropped, and if none had, the whole table starts over (a flood of distinct keys cannot grow it).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    /** window length; default one minute */
    private readonly windowMs = 60_000,
    /** most keys kept; default 100 000 */
    private readonly maxKeys = 100_000,
  ) {}

  /** Counts one request for `key`; false when it is over `limit` in the current window. */
  take(key: string, limit: number, nowMs: number): boolean {
    const w = this.windows.get(key);
    if (!w || nowMs - w.start >= this.windowMs) {
      if (!w && this.windows.size >= this.maxKeys) this.sweep(nowMs);
      this.windows.set(key, { start: nowMs, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= limit;
  }

  /** Seconds until `key`'s window ends (for Retry-After). */
  retryAfter(key: string, nowMs: number): number {
    const w = this.windows.get(key);
    return w ? Math.max(1, Math.ceil((w.start + this.windowMs - nowMs) / 1000)) : 1;
  }

  private sweep(nowMs: number): void {
    for (const [k, w] of this.windows) if (nowMs - w.start >= this.windowMs) this.windows.delete(k);
    if (this.windows.size >= this.maxKeys) this.windows.clear();
  }
}
