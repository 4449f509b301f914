/**
 * Sends recorded usage to KooGallery (docs/marketplace/api-image-openapi.md §4) and asks adapters for
 * it. Both run as outbox jobs, so a failing marketplace is retried with backoff in whichever process
 * gets the job:
 *
 * - `pushUsage`: the product's pending records, oldest first, at most 1000 per push, signed with its
 *   basic key. An accepted push marks its records pushed and the abnormal ones rejected, with why.
 *   Records are marked only after the answer: a crash in between leaves them pending and they are sent
 *   again, unchanged (same metering_sn, same fields), which the marketplace counts once.
 * - `pullUsage`: the adapter's `usage(instanceId, window)` hook for each live instance, for one window,
 *   then a push. An instance whose window is recorded already is not asked again.
 */
import { inject, injectable } from "tsyringe";
import { describeError } from "../errors.js";
import type { Served } from "../kinds/kind.js";
import type { Logger } from "../logger.js";
import { MarketplaceClient } from "../marketplace/client.js";
import { failedCall, type JobHandler, type RetryPolicy } from "../outbox/handlers.js";
import { adapterLogger } from "../serving/call-context.js";
import type { Job } from "../store/jobs.js";
import { CLOCK, type Clock } from "../tokens.js";
import type { Metered } from "./definition.js";
import { hasUsageHook } from "./hook.js";
import { UsageLedger } from "./ledger.js";
import { meteringSn, wireRecord } from "./record.js";
import { UsageStore } from "./store.js";

export const PUSH_USAGE_JOB = "pushUsage";
export const PULL_USAGE_JOB = "pullUsage";
/** Records per push (docs/marketplace/api-image-openapi.md §4: "usage_records (at most 1000)"). */
export const PUSH_BATCH = 1000;
/** Pushes per attempt, so that one job never holds its lease for ever. */
const MAX_BATCHES = 100;

/** Retried from 2 s, doubling to the outbox's 5-minute cap, for about 3 hours. */
export const USAGE_POLICY: RetryPolicy = { maxAttempts: 45, retryBaseMs: 2000, attemptTimeoutMs: 120_000 };

@injectable()
export class UsagePusher {
  constructor(
    private readonly usage: UsageStore,
    private readonly ledger: UsageLedger,
    private readonly marketplace: MarketplaceClient,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The job handlers a kind with metering gets (registered by the kernel). */
  handlers(): Record<string, JobHandler> {
    return {
      [PUSH_USAGE_JOB]: { policy: () => USAGE_POLICY, run: (served, _job, logger) => this.push(served as Served<Metered>, logger) },
      [PULL_USAGE_JOB]: { policy: () => USAGE_POLICY, run: (served, job, logger) => this.pull(served as Served<Metered>, job, logger) },
    };
  }

  /** Pushes every pending record of the product. @throws when the marketplace did not take a push */
  async push(served: Served<Metered>, logger: Logger): Promise<{ pushed: number; rejected: number }> {
    const { product } = served;
    let pushed = 0;
    let rejected = 0;
    for (let i = 0; i < MAX_BATCHES; i++) {
      const batch = await this.usage.pending(product.id, PUSH_BATCH);
      if (batch.length === 0) break;
      const ids = batch.map((u) => u.id);
      await this.usage.countAttempt(ids);
      const r = await this.marketplace.pushUsage({ records: batch.map(wireRecord), key: product.keys.basic[0]! });
      if (!r.ok) throw failedCall("usage push", r);
      // only the records of this batch: an answer naming others (100 000 unknown ids, issue 24 finding
      // 7) changes nothing else, and costs no more than the batch
      const sent = new Set(batch.map((u) => u.meteringSn));
      const abnormal = new Map<string, { code: string; message: string }>();
      for (const a of r.data.abnormal) if (a.meteringSn && sent.has(a.meteringSn)) abnormal.set(a.meteringSn, { code: a.code ?? "", message: a.message ?? "refused" });
      await this.usage.settle(ids, abnormal, this.clock.now());
      pushed += batch.length - abnormal.size;
      rejected += abnormal.size;
      if (abnormal.size > 0) logger.warn("the marketplace refused usage records; they are kept as rejected (koogate usage list)", { rejected: abnormal.size });
      if (batch.length < PUSH_BATCH) break;
    }
    if (pushed + rejected > 0) logger.info("usage pushed", { pushed, rejected });
    return { pushed, rejected };
  }

  private async pull(served: Served<Metered>, job: Job, logger: Logger): Promise<unknown> {
    const { product, adapter } = served;
    const { begin, end } = JSON.parse(job.payload) as { begin: number; end: number };
    const failed: string[] = [];
    if (hasUsageHook(adapter)) {
      for (const instanceId of await this.usage.liveInstances(product.id)) {
        if (await this.usage.bySn(meteringSn(product.id, instanceId, begin, end))) continue;
        const ctx = { product: { id: product.id, name: product.name }, options: product.options, logger: adapterLogger(logger, product, { activity: "usage", instanceId }), test: job.test };
        try {
          const value = await adapter.usage(instanceId, { begin: new Date(begin), end: new Date(end) }, ctx);
          // nothing used, nothing to record: the marketplace refuses a value of 0
          if (typeof value === "number" && value > 0) await this.ledger.recordFor(product, { instanceId, value, begin: new Date(begin), end: new Date(end) }, "pull");
        } catch (e) {
          failed.push(`${instanceId}: ${describeError(e)}`);
        }
      }
    }
    const pushed = await this.push(served, logger);
    // the others were recorded and pushed; a retry asks only the instances that failed
    if (failed.length > 0) throw new Error(`usage hook failed for ${failed.length} instance(s): ${failed.slice(0, 3).join("; ")}`);
    return pushed;
  }
}
