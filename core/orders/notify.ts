/**
 * The order notification (docs/marketplace/api-image-openapi.md §5) as a signed interface of the call
 * pipeline (core/serving/pipeline.ts): the SaaS 2.0 URL signature checked with the product's `general`
 * key(s), the nonce claimed in a scope of its own, the body's four fields checked, then a job to fetch
 * the order committed with the answer's event — so `000000` is sent only once the fetch is durable. The
 * job's dedupe key is the order: resends and concurrent deliveries add nothing, and the order is queried
 * once (core/orders/fetch.ts).
 */
import { verifyBasicCall } from "../serving/basic-call.js";
import { Ajv } from "ajv";
import { injectable } from "tsyringe";
import { callErrors } from "../errors.js";
import { explainRule, parseJsonObject } from "../serving/field-rules.js";
import { Outbox } from "../outbox/outbox.js";
import type { Incoming, SignedInterface, Verified } from "../serving/pipeline.js";
import { success, type Outcome } from "../serving/outcome.js";
import { marketplaceRefusal } from "../serving/refusal.js";
import type { Served } from "../kinds/kind.js";
import type { OrderNotifying } from "./definition.js";

/** The outbox job type that fetches a notified order. */
export const FETCH_ORDER_JOB = "fetchOrder";

export interface OrderNotifyRequest {
  orderId: string;
  orderLineId: string;
  test: boolean;
}

const str64 = { type: "string", minLength: 1, maxLength: 64, pattern: "^[\\x21-\\x7e]+$" };
const validate = new Ajv({ strict: false }).compile({
  type: "object",
  required: ["activity", "orderId", "orderLineId"],
  properties: {
    activity: { const: "orderNotify" },
    orderId: str64,
    orderLineId: str64,
    // documented as mandatory; a missing one is read as a real order (docs/marketplace/license.md §1: "0" or absent = real)
    testFlag: { type: ["string", "integer"], enum: ["0", "1", "", 0, 1] },
  },
});

/** The dedupe key of an order's fetch job: one per order, whichever line was notified. */
export const fetchOrderKey = (orderId: string) => `order:${orderId}`;

@injectable()
export class OrderNotifyInterface implements SignedInterface<OrderNotifying, unknown, Verified, OrderNotifyRequest> {
  readonly scope = "order-notify";
  readonly noun = "order notification";
  readonly readsBody = true;
  readonly refuse = marketplaceRefusal;

  constructor(private readonly outbox: Outbox) {}

  verify(input: Incoming, product: OrderNotifying): Verified {
    return verifyBasicCall(input, product.keys.general, "general key");
  }

  peek(input: Incoming) {
    try {
      const o = JSON.parse(input.rawBody.toString("utf8")) as Record<string, unknown>;
      return { activity: "orderNotify", test: o.testFlag === "1" || o.testFlag === 1 };
    } catch {
      return { activity: "orderNotify", test: false };
    }
  }

  parse(input: Incoming): OrderNotifyRequest {
    const o = parseJsonObject(input.rawBody);
    if (!validate(o)) throw callErrors.param(`param is invalid: ${explainRule(validate.errors![0]!, { orderId: "printable ASCII", orderLineId: "printable ASCII" })}`);
    return { orderId: o.orderId as string, orderLineId: o.orderLineId as string, test: o.testFlag === "1" || o.testFlag === 1 };
  }

  async run(served: Served<OrderNotifying, unknown>, req: OrderNotifyRequest): Promise<Outcome> {
    const productId = served.product.id;
    return success(undefined, {
      detail: `order ${req.orderId} line ${req.orderLineId}: fetch queued`,
      commit: async (trx) => {
        // the order number is no personal data; the order itself is fetched, and sealed, later
        const payload = JSON.stringify({ orderId: req.orderId, orderLineId: req.orderLineId });
        await this.outbox.enqueue({ productId, activity: FETCH_ORDER_JOB, instanceId: req.orderLineId, payload, test: req.test, dedupeKey: fetchOrderKey(req.orderId) }, trx);
      },
    });
  }

  answerKey(product: OrderNotifying): string {
    // UNCONFIRMED whether the notification's answer needs a Body-Sign (docs/marketplace/license.md §1); when it does, the
    // key of the interface type the address is bound to is the only consistent choice
    return product.keys.general[0]!;
  }

  logFields(v: Verified | undefined) {
    return { signed: v?.signed };
  }
}
