/**
 * The calls the marketplace makes once (docs/marketplace/lifecycle.md "Calls made once"): renewal,
 * expiry and release must each be answered 000000 — a failure is not resent, it waits for the seller
 * to restart it by hand. With the server's database the scenario checks that none of them was lost:
 * each was passed to the backend or queued in koogate's outbox, and no such job is parked as failed.
 */
import { createDatabase } from "../../store/database.js";
import { databaseUrl } from "../local-marketplace-client.js";
import { eventsOf, notChecked, type DeliveryTemplate } from "./delivery.js";

export const callsMadeOnce: DeliveryTemplate = {
  name: "calls-made-once",
  summary: "renew, expire, release (made once by the marketplace): each answered 000000 and none lost",
  async run(ctx, surface) {
    const { instanceId, orderId } = await surface.buy(ctx);
    const sent: string[] = [];
    for (const move of ["renew", "expire", "release"] as const) sent.push(await surface.send(ctx, move, instanceId, orderId, "made once"));
    const events = await eventsOf(ctx, instanceId);
    if (!events) return notChecked(ctx, "none lost");
    const lost = sent.filter((a) => events.filter((e) => e.activity === a).at(-1)?.verdict !== "processed");
    const db = createDatabase(databaseUrl(ctx)!);
    let parked: string[];
    try {
      parked = (await db("koogate_jobs").where({ product_id: ctx.target.product.id, instance_id: instanceId, state: "failed" }).pluck("activity")) as string[];
    } finally {
      await db.destroy();
    }
    const problems = [
      ...lost.map((a) => `${a} was neither passed to the backend nor queued`),
      ...parked.map((a) => `the ${a} job is parked as failed: retry it from /ops/jobs once the backend works`),
    ];
    ctx.check("none lost", problems.length === 0 ? null : problems.join("; "), `${sent.length} calls, each told or queued`);
  },
};
