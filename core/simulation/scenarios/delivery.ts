/**
 * What the delivery scenarios share (docs/marketplace/lifecycle.md): the steps that buy, expire, renew
 * and release, played on whatever listing a kind offers them for, and a look at the server's event
 * log (with `--database` or KOOGATE_DATABASE_URL) for what the answers cannot show — whether koogate
 * told the backend (`processed`: the adapter ran or its work is queued in the outbox) or skipped the
 * call (`resent`: nothing changed for the buyer). A kind plays them (`playDelivery`) with its own
 * surface: how its listings are bought and how each move is sent (core/kinds/<kind>/scenarios/).
 */
import type { ProductBase } from "../../products/definition.js";
import { createDatabase } from "../../store/database.js";
import { databaseUrl, DATABASE_OPTION } from "../local-marketplace-client.js";
import type { Scenario, ScenarioContext } from "../scenario.js";

export const DELIVERY_OPTIONS = { database: DATABASE_OPTION } as const;

/** The buyer the delivery scenarios buy as. */
export const SIM_CUSTOMER = "68cbc86abc2018ab880d92f36422fa0e";

/** A lifecycle step a delivery scenario sends. */
export type Move = "expire" | "renew" | "unfreeze" | "release";

/** One listing's way of buying and of sending each move (a kind's protocol or variant). */
export interface Surface {
  buy(ctx: ScenarioContext, extra?: Record<string, string>): Promise<{ instanceId: string; orderId: string; licence?: string }>;
  /** sends `move`; answers the activity name it was sent as */
  send(ctx: ScenarioContext, move: Move, instanceId: string, orderId: string, label?: string): Promise<string>;
  /** whether the marketplace sends an unfreeze after a renewal (2.0); otherwise the renewal itself makes the instance usable again */
  readonly unfreezesAfterRenewal: boolean;
}

/** How a kind plays the delivery scenarios: on which of its listings, and with which surface. */
export interface DeliveryPlay {
  /** the kind's name */
  kind: string;
  /** put before each scenario's name, so that two kinds' plays differ ("" for none) */
  prefix: string;
  needs?: string;
  fits?(product: ProductBase): string | null;
  surfaceOf(product: ProductBase): Surface;
}

/** A delivery scenario before a kind plays it: what it sends through the surface, and what it checks. */
export interface DeliveryTemplate {
  name: string;
  summary: string;
  run(ctx: ScenarioContext, surface: Surface): Promise<void>;
}

/** `template` played on `play`'s listings. */
export function playDelivery(play: DeliveryPlay, template: DeliveryTemplate): Scenario {
  return {
    name: `${play.prefix}${template.name}`,
    summary: template.summary,
    kind: play.kind,
    ...(play.needs ? { needs: play.needs } : {}),
    ...(play.fits ? { fits: play.fits } : {}),
    options: DELIVERY_OPTIONS,
    run: (ctx) => template.run(ctx, play.surfaceOf(ctx.target.product)),
  };
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
