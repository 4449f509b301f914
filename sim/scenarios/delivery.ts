/**
 * What the delivery scenarios share (docs/marketplace/lifecycle.md): the steps that buy, expire, renew
 * and release on each listing kind and protocol, and a look at the server's event log (with
 * `--database` or KOOGATE_DATABASE_URL) for what the answers cannot show — whether koogate told the
 * backend (`processed`: the adapter ran or its work is queued in the outbox) or skipped the call
 * (`resent`: nothing changed for the buyer).
 */
import { randomUUID } from "node:crypto";
import type { SaasProduct } from "../../core/kinds/saas/product.js";
import type { LicenseProduct } from "../../core/kinds/license/product.js";
import type { ProductBase } from "../../core/products/definition.js";
import { createDatabase } from "../../core/store/database.js";
import { expireIn, newOrderLine, refreshInstanceBody, releaseInstanceBody, updateInstanceStatusBody } from "../bodies.js";
import { databaseUrl, DATABASE_OPTION } from "../local-marketplace-client.js";
import { basicRequest } from "../requests/basic.js";
import { v1Request } from "../requests/v1.js";
import { ScenarioAbort, type Scenario, type ScenarioContext } from "../scenario.js";
import { purchase } from "./purchase.js";

export const DELIVERY_OPTIONS = { database: DATABASE_OPTION } as const;

/** A lifecycle step a delivery scenario sends. */
export type Move = "expire" | "renew" | "unfreeze" | "release";

/** One listing's way of buying and of sending each move (SaaS 2.0, SaaS 1.0, the 1.0 licence). */
export interface Surface {
  buy(ctx: ScenarioContext, extra?: Record<string, string>): Promise<{ instanceId: string; orderId: string; licence?: string }>;
  /** sends `move`; answers the activity name it was sent as */
  send(ctx: ScenarioContext, move: Move, instanceId: string, orderId: string, label?: string): Promise<string>;
}

const CUSTOMER = "68cbc86abc2018ab880d92f36422fa0e";

const saasV2: Surface = {
  buy: (ctx) => purchase(ctx),
  async send(ctx, move, instanceId, orderId, label) {
    const t = ctx.target;
    const testFlag = t.testFlag;
    const [activity, body] =
      move === "renew"
        ? (["refreshInstance", refreshInstanceBody({ scene: "RENEWAL", ...newOrderLine(), instanceId, expireTime: expireIn(730), testFlag })] as const)
        : move === "release"
          ? (["releaseInstance", releaseInstanceBody({ instanceId, orderId, testFlag })] as const)
          : (["updateInstanceStatus", updateInstanceStatusBody({ instanceId, status: move === "expire" ? "FREEZE" : "UNFREEZE", testFlag })] as const);
    await ctx.exchange(activity, basicRequest(t, body), "000000", label);
    return activity;
  },
};

const saasV1: Surface = {
  async buy(ctx, extra = {}) {
    const { orderId } = newOrderLine();
    const r = await ctx.exchange("newInstance", v1Request(ctx.target, "newInstance", { businessId: randomUUID(), orderId, customerId: CUSTOMER, expireTime: expireIn(365), ...extra }), "000000");
    if (!r.judgement.instanceId) throw new ScenarioAbort("newInstance answered no instanceId: nothing to act on");
    return { instanceId: r.judgement.instanceId, orderId };
  },
  async send(ctx, move, instanceId, orderId, label) {
    const t = ctx.target;
    const [activity, params] =
      move === "renew"
        ? (["refreshInstance", { instanceId, orderId: newOrderLine().orderId, expireTime: expireIn(730) }] as const)
        : move === "release"
          ? (["releaseInstance", { instanceId, orderId }] as const)
          : move === "expire"
            ? (["expireInstance", { instanceId, orderId }] as const)
            : (["instanceStatus", { instanceId, instanceStatus: "NORMAL" }] as const);
    await ctx.exchange(activity, v1Request(t, activity, params), "000000", label);
    return activity;
  },
};

const licenceV1: Surface = {
  async buy(ctx, extra = {}) {
    const { orderId } = newOrderLine();
    const r = await ctx.exchange("getLicense", v1Request(ctx.target, "getLicense", { businessId: randomUUID(), orderId, customerId: CUSTOMER, expireTime: expireIn(365), ...extra }), "000000");
    const json = r.judgement.json ?? {};
    if (typeof json.instanceId !== "string") throw new ScenarioAbort("getLicense answered no instanceId: nothing to act on");
    return { instanceId: json.instanceId, orderId, licence: typeof json.license === "string" ? json.license : undefined };
  },
  async send(ctx, move, instanceId, orderId, label) {
    const activity = move === "renew" ? "refreshLicense" : move === "release" ? "releaseLicense" : "expireLicense";
    if (move === "unfreeze") throw new ScenarioAbort("the 1.0 licence has no unfreeze call (docs/marketplace/license.md §4)");
    const params: Record<string, string> = move === "renew" ? { instanceId, orderId: newOrderLine().orderId, expireTime: expireIn(730) } : { instanceId, orderId };
    await ctx.exchange(activity, v1Request(ctx.target, activity, params), "000000", label);
    return activity;
  },
};

/** The surface of the product played. */
export function surfaceOf(product: ProductBase): Surface {
  if (product.kind === "license") return licenceV1;
  return (product as SaasProduct).protocol === "v1" ? saasV1 : saasV2;
}

/** The events koogate logged for `instanceId` of the played product, oldest first; undefined without a database. */
export async function eventsOf(ctx: ScenarioContext, instanceId: string): Promise<Array<{ activity: string; verdict: string; detail: string | null }> | undefined> {
  const url = databaseUrl(ctx);
  if (url === undefined) return undefined;
  const db = createDatabase(url);
  try {
    // the answered calls only (the outbox's background attempts carry no request id)
    const rows: Array<Record<string, unknown>> = await db("koogate_events").where({ product_id: ctx.target.product.id, instance_id: instanceId }).whereNotNull("request_id").orderBy("id");
    return rows.map((r) => ({ activity: String(r.activity), verdict: String(r.verdict), detail: (r.detail as string | null) ?? null }));
  } finally {
    await db.destroy();
  }
}

/** Records a step saying a database check was skipped. */
export function notChecked(ctx: ScenarioContext, name: string): void {
  ctx.check(name, null, "not checked: give --database or KOOGATE_DATABASE_URL to read what koogate did with each call");
}

/** `fits` for the 1.0 licence scenarios. */
export function licenceV1Only(product: ProductBase): string | null {
  const p = product as LicenseProduct;
  return p.variant === "v1" ? null : `is for variant v1 License products; ${p.id} is variant ${p.variant}`;
}

/** Scenario fields of a delivery scenario played on SaaS (either protocol) and one on the 1.0 licence. */
export function bothKinds(s: Omit<Scenario, "kind" | "needs" | "fits">): [Scenario, Scenario] {
  return [
    { ...s, kind: "saas", needs: "protocol v1 or v2", options: { ...DELIVERY_OPTIONS, ...s.options } },
    { ...s, name: `license-${s.name}`, kind: "license", needs: "variant v1", fits: licenceV1Only, options: { ...DELIVERY_OPTIONS, ...s.options } },
  ];
}
