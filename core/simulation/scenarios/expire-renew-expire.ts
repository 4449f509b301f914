/**
 * A renewed instance freezes again (docs/marketplace/lifecycle.md, the transition table): expire →
 * renew → expire, each answered 000000. 1.0 has no unfreeze call, so the renewal is what makes the
 * instance usable again and the second expiry must reach the backend; on 2.0 the marketplace sends
 * UNFREEZE, so the steps are FREEZE → renew → UNFREEZE → FREEZE. With the server's database the
 * scenario checks that koogate told the backend of the second expiry rather than skipping it as
 * already done (the buyer would keep using what the renewed term no longer pays for).
 */
import { eventsOf, notChecked, type DeliveryTemplate, type Move } from "./delivery.js";

export const expireRenewExpire: DeliveryTemplate = {
  name: "expire-renew-expire",
  summary: "expire, renew, expire again: the second expiry must reach the backend",
  async run(ctx, surface) {
    const { instanceId, orderId } = await surface.buy(ctx);
    const moves: Move[] = surface.unfreezesAfterRenewal ? ["expire", "renew", "unfreeze", "expire"] : ["expire", "renew", "expire"];
    let expiry = "";
    // the last move is the second expiry: remember the activity it was sent as
    for (const [i, move] of moves.entries()) expiry = await surface.send(ctx, move, instanceId, orderId, i === moves.length - 1 ? "the renewed instance expires again" : move);
    const events = await eventsOf(ctx, instanceId);
    if (!events) return notChecked(ctx, "second expiry told");
    const last = events.filter((e) => e.activity === expiry).at(-1);
    ctx.check(
      "second expiry told",
      last?.verdict === "processed"
        ? null
        : `koogate did not pass the second ${expiry} to the backend (${last ? `${last.verdict}: ${last.detail ?? ""}` : "no event"}): a renewal must make the instance usable again, so that its next expiry freezes it (docs/marketplace/lifecycle.md)`,
      last ? `${expiry}: ${last.verdict}` : undefined,
    );
  },
};
