/**
 * The licence relay's rate limits: fixed one-minute windows aligned on the clock (every process counts
 * the same minute), kept in the database so that several processes on one database allow what one does
 * (./windows.ts), with a bounded count in memory in front of it so that a flood from one client is
 * refused without a statement.
 *
 * The memory count of a key never exceeds the database's (it counts this process's hits of the same
 * window), so refusing on it is always right. It holds at most `maxKeys` keys: entries sit in the order
 * their windows opened, so the ended ones are dropped from the front as new ones come, and at the bound
 * the oldest goes — one at a time, never the whole table (issue 24, findings 2 and 3).
 */
import { inject, Lifecycle, scoped } from "tsyringe";
import { CLOCK, type Clock } from "../../../tokens.js";
import { RelayWindowStore, type WindowScope } from "./windows.js";

/** Length of every relay window. */
export const WINDOW_MS = 60_000;
/** Keys counted in memory per process: ≈ 200 bytes each, so ≈ 2 MB at the bound. */
export const MAX_LOCAL_KEYS = 10_000;

export type Taken = { ok: true } | { ok: false; retryAfter: number };

/** A bounded count per key of the current window, in memory. */
export class LocalWindows {
  private readonly counts = new Map<string, { start: number; hits: number }>();

  constructor(private readonly maxKeys = MAX_LOCAL_KEYS) {}

  /** Counts one hit of `key` in the window starting at `start`; answers its hits, this one included. */
  count(key: string, start: number): number {
    const e = this.counts.get(key);
    if (e?.start === start) return ++e.hits;
    if (e) this.counts.delete(key);
    for (const [k, old] of this.counts) {
      if (old.start >= start && this.counts.size < this.maxKeys) break;
      this.counts.delete(k);
    }
    this.counts.set(key, { start, hits: 1 });
    return 1;
  }

  get size(): number {
    return this.counts.size;
  }
}

/** One per server (container): its counts in memory are the process's. */
@scoped(Lifecycle.ContainerScoped)
export class RelayLimits {
  readonly local = new LocalWindows();

  constructor(
    private readonly windows: RelayWindowStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Counts one request of `subject` against `limit` per minute: refused once over it, in this process or across all. */
  async take(scope: WindowScope, productId: string, subject: string, limit: number): Promise<Taken> {
    const now = this.clock.now();
    const start = now - (now % WINDOW_MS);
    const retryAfter = Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000));
    if (this.local.count(`${scope}\u0000${productId}\u0000${subject}`, start) > limit) return { ok: false, retryAfter };
    const hits = await this.windows.hit(scope, productId, subject, { start, expiresAt: start + WINDOW_MS }, now);
    return hits > limit ? { ok: false, retryAfter } : { ok: true };
  }
}
