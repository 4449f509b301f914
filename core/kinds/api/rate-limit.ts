/**
 * The optional per-buyer limit of an API listing (`rateLimit:`): a token bucket per buyer
 * (`X-Customer-Id`; calls without one share a bucket), `requests` per `perSeconds`, refilled
 * continuously. In memory, per process: several koogate processes each allow the full rate.
 */

/** Buckets kept per listing; past it the longest-idle ones are forgotten (a forgotten buyer starts full). */
const MAX_BUCKETS = 100_000;

export class BuyerRateLimit {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(private readonly limit: { requests: number; perSeconds: number }) {
    this.perMs = limit.requests / (limit.perSeconds * 1000);
  }

  /** Takes one call from the buyer's bucket: 0 when allowed, else the seconds until one is (for Retry-After). */
  take(buyer: string, nowMs: number): number {
    const b = this.buckets.get(buyer);
    let tokens = this.limit.requests;
    if (b) {
      tokens = Math.min(this.limit.requests, b.tokens + (nowMs - b.at) * this.perMs);
      this.buckets.delete(buyer); // re-inserted below: the Map's order is then least recently used first
    } else if (this.buckets.size >= MAX_BUCKETS) {
      this.buckets.delete(this.buckets.keys().next().value!);
    }
    const allowed = tokens >= 1;
    this.buckets.set(buyer, { tokens: allowed ? tokens - 1 : tokens, at: nowMs });
    return allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / this.perMs / 1000));
  }
}
