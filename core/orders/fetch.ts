/**
 * The outbox job behind an order notification: query the order (docs/marketplace/api-image-openapi.md
 * §3), store it, then hand each line to the adapter's optional `orderNotified` hook and record that it
 * returned. A failing or slow marketplace fails the attempt and the outbox retries it with backoff; an
 * order already stored is not queried again, and a line already handed over is not handed over again.
 */
import { inject, injectable } from "tsyringe";
import type { Served } from "../kinds/kind.js";
import type { Logger } from "../logger.js";
import { MarketplaceClient } from "../marketplace/client.js";
import { failedCall, PermanentJobError, type JobHandler, type RetryPolicy } from "../outbox/handlers.js";
import { adapterLogger } from "../serving/call-context.js";
import type { Job } from "../store/jobs.js";
import { CLOCK, type Clock } from "../tokens.js";
import type { OrderNotifying } from "./definition.js";
import { FETCH_ORDER_JOB } from "./notify.js";
import { hasOrderNotified, notifiedLines } from "./order.js";
import { OrderStore, UnstorableOrder } from "./store.js";

/**
 * KooGallery itself resends a notification for 3 hours (§5); koogate's own retries of the fetch run
 * for about as long: 1 s doubling to the outbox's 5-minute cap, 40 attempts.
 */
export const ORDER_FETCH_POLICY: RetryPolicy = { maxAttempts: 40, retryBaseMs: 1000, attemptTimeoutMs: 120_000 };

/** What a fetch job's payload holds. */
interface FetchPayload {
  orderId: string;
  orderLineId: string;
}

@injectable()
export class OrderFetch {
  constructor(
    private readonly orders: OrderStore,
    private readonly marketplace: MarketplaceClient,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** The job handlers a kind with order notification gets (registered by the kernel). */
  handlers(): Record<string, JobHandler> {
    return { [FETCH_ORDER_JOB]: { policy: () => ORDER_FETCH_POLICY, run: (served, job, logger) => this.run(served as Served<OrderNotifying>, job, logger) } };
  }

  private async run(served: Served<OrderNotifying>, job: Job, logger: Logger): Promise<{ lines: number }> {
    const { product } = served;
    const { orderId } = JSON.parse(job.payload) as FetchPayload;
    const keys = product.keys.general;
    let stored = await this.orders.lines(product.id, orderId, keys);
    if (stored.length === 0) {
      const r = await this.marketplace.queryOrder({ orderId });
      if (!r.ok) throw failedCall(`query order ${orderId}`, r);
      const lines = notifiedLines(r.data, orderId, job.test);
      if (lines.length === 0) throw new Error(`query order ${orderId} answered no order line`);
      try {
        await this.orders.save(product.id, lines, keys[0]!, this.clock.now());
      } catch (e) {
        // a value that cannot be stored will not fit at the next attempt either: parked for a person
        throw e instanceof UnstorableOrder ? new PermanentJobError(e.message) : e;
      }
      logger.info("order fetched and stored", { orderId, lines: lines.length });
      stored = await this.orders.lines(product.id, orderId, keys);
    }
    if (!hasOrderNotified(served.adapter)) return { lines: stored.length };
    for (const line of stored) {
      if (line.notifiedAt !== null) continue;
      const o = line.order;
      const ctx = {
        product: { id: product.id, name: product.name },
        options: product.options,
        logger: adapterLogger(logger, product, { activity: "orderNotified", instanceId: o.orderLineId, orderId }),
        test: o.test,
      };
      await served.adapter.orderNotified(o, ctx);
      await this.orders.markNotified(product.id, o.orderLineId, this.clock.now());
    }
    return { lines: stored.length };
  }
}
