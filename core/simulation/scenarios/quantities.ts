/**
 * Quantities carried through (docs/marketplace/lifecycle.md "What a purchase carries"): a 1.0 purchase
 * of a quantity-priced specification (amount 30, a 12-month period) and a one-off (按次, chargingMode 3)
 * purchase. With the server's database the scenario checks that both were stored with what was bought
 * and that the one-off has no expiry; a licence in koogate's signed format must grant the seats bought.
 */
import { createDatabase } from "../../store/database.js";
import { databaseUrl } from "../local-marketplace-client.js";
import type { ScenarioContext } from "../scenario.js";
import { notChecked, type DeliveryTemplate, type Surface } from "./delivery.js";

const BOUGHT = { amount: "30", chargingMode: "0", periodType: "month", periodNumber: "12" };

/** The seats a licence in koogate's signed format grants (core/kinds/license/signed-licence.ts); undefined for another format. */
function seatsOf(licence: string | undefined): number | undefined | "other" {
  try {
    const payload = JSON.parse(Buffer.from(licence!.split(".")[0]!, "base64url").toString("utf8")) as { v?: number; seats?: number };
    return payload.v === 1 ? payload.seats : "other";
  } catch {
    return "other";
  }
}

async function run(ctx: ScenarioContext, surface: Surface): Promise<void> {
  const bought = await surface.buy(ctx, BOUGHT);
  const oneOff = await surface.buy(ctx, { amount: "1", chargingMode: "3" });
  if (bought.licence !== undefined) {
    const seats = seatsOf(bought.licence);
    ctx.check("seats", seats === "other" || seats === 30 ? null : `the licence grants ${String(seats)} seats, not the 30 bought`, seats === "other" ? "not koogate's signed format: not checked" : `${String(seats)} seats`);
  }
  const url = databaseUrl(ctx);
  if (url === undefined) return notChecked(ctx, "stored terms");
  const db = createDatabase(url);
  try {
    const rows = (await db("koogate_instances").where({ product_id: ctx.target.product.id }).whereIn("instance_id", [bought.instanceId, oneOff.instanceId])) as Array<Record<string, unknown>>;
    const row = (id: string) => rows.find((r) => r.instance_id === id);
    const terms = JSON.parse(String(row(bought.instanceId)?.terms ?? "{}")) as Record<string, unknown>;
    const want = { amount: 30, chargingMode: 0, periodType: "month", periodNumber: 12 };
    const off = Object.entries(want).filter(([k, v]) => terms[k] !== v);
    ctx.check("stored terms", off.length === 0 ? null : `koogate stored ${JSON.stringify(terms)} for a purchase of ${JSON.stringify(want)}`);
    const expiry = row(oneOff.instanceId)?.expire_at;
    ctx.check("one-off never expires", expiry === null || expiry === undefined ? null : `a one-off (chargingMode 3) purchase was stored with an expiry (${String(expiry)})`);
  } finally {
    await db.destroy();
  }
}

/** A kind whose 2.0 purchases carry no quantities plays it on its 1.0 listings only (its `fits`). */
export const quantities: DeliveryTemplate = {
  name: "quantities",
  summary: "a quantity-priced and a one-off 1.0 purchase: what was bought is stored, the one-off never expires",
  run,
};
