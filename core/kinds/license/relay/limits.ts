/**
 * The licence relay's rate limits: fixed one-minute windows aligned on the clock (every process counts
 * the same minute), kept in the database so that several processes on one database allow together what
 * one does (./windows.ts, issue 20 item 4).
 *
 * A process does not write a row per request: it takes a block of its key's allowance from the row at
 * once (`hits = hits + block`, atomic) and spends it in memory; the block granted is what the row still
 * had, so the blocks granted to all processes never add up to more than the limit. A block is a
 * twentieth of the limit (at least 1, at most 1000): with the default limits a row is written every
 * request (30 per code) or every third (60 per address), and a process holding an unspent block
 * refuses at most that much early when the same client goes to another process. Once a window is used
 * up, a process refuses its key in memory, without a statement.
 *
 * The memory count holds at most `maxKeys` keys: entries sit in the order their windows opened, so the
 * ended ones are dropped from the front as new ones come, and at the bound the oldest goes — one at a
 * time, never the whole table (issue 24, findings 2 and 3). A dropped key's unspent block is lost,
 * which only refuses earlier.
 */
import { inject, Lifecycle, scoped } from "tsyringe";
import { CLOCK, type Clock } from "../../../tokens.js";
import { RelayWindowStore, type WindowScope } from "./windows.js";

/** Length of every relay window. */
export const WINDOW_MS = 60_000;
/** Keys counted in memory per process: ≈ 200 bytes each, so ≈ 2 MB at the bound. */
export const MAX_LOCAL_KEYS = 10_000;

export type Taken = { ok: true } | { ok: false; retryAfter: number };

/** One key's window in memory: requests seen, allowance taken from the database and not spent yet, and whether it had no more. */
export interface LocalWindow {
  start: number;
  hits: number;
  spare: number;
  exhausted: boolean;
  /** the block being taken from the database: concurrent requests wait for it instead of taking their own */
  taking: Promise<void> | null;
}

/** A bounded table of the current window per key, in memory. */
export class LocalWindows {
  private readonly windows = new Map<string, LocalWindow>();

  constructor(private readonly maxKeys = MAX_LOCAL_KEYS) {}

  /** The window of `key` that starts at `start` (a fresh one when its last one ended), with this request counted. */
  count(key: string, start: number): LocalWindow {
    const w = this.windows.get(key);
    if (w?.start === start) {
      w.hits++;
      return w;
    }
    if (w) this.windows.delete(key);
    for (const [k, old] of this.windows) {
      if (old.start >= start && this.windows.size < this.maxKeys) break;
      this.windows.delete(k);
    }
    const fresh: LocalWindow = { start, hits: 1, spare: 0, exhausted: false, taking: null };
    this.windows.set(key, fresh);
    return fresh;
  }

  get size(): number {
    return this.windows.size;
  }
}

/** The allowance a process takes from the database at once for a limit. */
export function blockOf(limit: number): number {
  return Math.min(1000, Math.max(1, Math.floor(limit / 20)));
}

/** One per server (container): its counts in memory are the process's. */
@scoped(Lifecycle.ContainerScoped)
export class RelayLimits {
  readonly local = new LocalWindows();

  constructor(
    private readonly windows: RelayWindowStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Counts one request of `subject` against `limit` per minute: refused once the window's allowance, across all processes, is spent. */
  async take(scope: WindowScope, productId: string, subject: string, limit: number): Promise<Taken> {
    const now = this.clock.now();
    const start = now - (now % WINDOW_MS);
    const refused = { ok: false as const, retryAfter: Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000)) };
    const w = this.local.count(`${scope}\u0000${productId}\u0000${subject}`, start);
    for (;;) {
      if (w.spare > 0) {
        w.spare--;
        return { ok: true };
      }
      if (w.exhausted) return refused;
      // one block at a time per key: requests that find nothing spare wait for the block being taken
      w.taking ??= this.takeBlock(w, scope, productId, subject, limit, now).finally(() => (w.taking = null));
      await w.taking;
    }
  }

  /** Takes a block of the window's allowance from the database into `w.spare`; marks the window used up when the row had less. */
  private async takeBlock(w: LocalWindow, scope: WindowScope, productId: string, subject: string, limit: number, now: number): Promise<void> {
    const want = blockOf(limit);
    const total = await this.windows.hit(scope, productId, subject, { start: w.start, expiresAt: w.start + WINDOW_MS }, now, undefined, want);
    // what the row had left of the limit before this block was taken
    const granted = Math.max(0, Math.min(want, limit - (total - want)));
    if (granted < want) w.exhausted = true;
    w.spare += granted;
  }
}
