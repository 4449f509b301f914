/**
 * When usage goes out: every `KOOGATE_USAGE_FLUSH_SECONDS` (default 3600) a push job per metered
 * product, and after each period a pull job per metered product whose adapter has a usage() hook (the
 * pull pushes at once). Jobs are queued with a dedupe key naming their period, so several processes on
 * one database queue each once.
 *
 * Daily windows are days of China Standard Time (UTC+8): "usage aggregated by day must arrive between
 * 00:00 and 00:15 of the next day" (docs/marketplace/api-image-openapi.md §4) is read in the marketplace's own zone,
 * which is UNCONFIRMED; the pull is queued in the first seconds after midnight there.
 */
import { inject, injectable } from "tsyringe";
import type { Served } from "../kinds/kind.js";
import { Outbox } from "../outbox/outbox.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../tokens.js";
import { isMetered, type MeteringPeriod } from "./definition.js";
import { hasUsageHook } from "./hook.js";
import { PULL_USAGE_JOB, PUSH_USAGE_JOB } from "./push.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** China Standard Time, the day boundary of daily aggregates (UNCONFIRMED, see above). */
const DAY_OFFSET_MS = 8 * HOUR;

/** The last complete window of `period` at `nowMs`. */
export function lastWindow(period: MeteringPeriod, nowMs: number): { begin: number; end: number } {
  if (period === "hour") {
    const end = Math.floor(nowMs / HOUR) * HOUR;
    return { begin: end - HOUR, end };
  }
  const end = Math.floor((nowMs + DAY_OFFSET_MS) / DAY) * DAY - DAY_OFFSET_MS;
  return { begin: end - DAY, end };
}

@injectable()
export class UsageSchedule {
  private timer?: NodeJS.Timeout;
  private served: Served[] = [];
  private flushMs = 3_600_000;

  constructor(
    private readonly outbox: Outbox,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Starts the timer for the metered products among `served`; does nothing when there are none. */
  start(served: readonly Served[], flushSeconds: number): void {
    this.served = served.filter((s) => isMetered(s.product));
    if (this.served.length === 0) return;
    this.flushMs = flushSeconds * 1000;
    // often enough to catch every flush and every hour's first seconds
    this.timer = setInterval(() => void this.tick(), Math.min(this.flushMs, 15_000));
    this.timer.unref();
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Queues what is due now (also called by the timer). */
  async tick(): Promise<void> {
    const now = this.clock.now();
    try {
      for (const s of this.served) {
        const p = s.product;
        await this.outbox.enqueue({ productId: p.id, activity: PUSH_USAGE_JOB, instanceId: "-", payload: "{}", test: false, dedupeKey: `push:${this.flushMs}:${Math.floor(now / this.flushMs)}` });
        if (!hasUsageHook(s.adapter) || !isMetered(p)) continue;
        const w = lastWindow(p.metering.period, now);
        await this.outbox.enqueue({ productId: p.id, activity: PULL_USAGE_JOB, instanceId: "-", payload: JSON.stringify(w), test: false, dedupeKey: `pull:${w.begin}:${w.end}` });
      }
    } catch (e) {
      this.logger.warn("could not queue usage jobs; will try again", { error: (e as Error).message });
    }
  }

  /** Queues a push of `productId`'s pending records now and runs due jobs (tests, the public API). */
  async flushNow(productId: string): Promise<void> {
    const now = this.clock.now();
    await this.outbox.enqueue({ productId, activity: PUSH_USAGE_JOB, instanceId: "-", payload: "{}", test: false, dedupeKey: `flush:${now}:${Math.random().toString(36).slice(2)}` });
    await this.outbox.tick();
  }
}
