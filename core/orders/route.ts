/**
 * Order notifications arrive at a product's production URL beside its other calls (docs/marketplace/
 * docs/marketplace/api-image-openapi.md §5: one production address, the body's `activity` names the scenario, docs/marketplace/license.md
 * §1), but are signed with another key. A kind's production endpoint asks `isOrderNotify` first and
 * hands such a call to `OrderNotifyInterface`; the body read to decide is handed on, not read twice.
 */
import type { HttpCall } from "../serving/http.js";

const MARKER = Buffer.from("orderNotify");

/**
 * Whether `call` is an order notification, and the call to serve (its body kept).
 *
 * UNCONFIRMED where `activity` travels: §5 documents it as a body field (the signature is in the
 * query), and that is what decides; `activity=orderNotify` as a query parameter is accepted as well, as
 * the most compatible reading of "activity=orderNotify" in the Seller Console's wording. Either way the
 * body must then be an orderNotify body signed with the general key, or the call is refused.
 */
export async function routeOrderNotify(call: HttpCall): Promise<{ orderNotify: boolean; call: HttpCall }> {
  const raw = await call.body();
  const kept: HttpCall = { ...call, body: () => Promise.resolve(raw) };
  if (new URLSearchParams(call.rawQuery).get("activity") === "orderNotify") return { orderNotify: true, call: kept };
  // the common case (every other activity) costs one byte search, not a second JSON parse
  if (raw.oversize || !raw.bytes.includes(MARKER)) return { orderNotify: false, call: kept };
  try {
    const o = JSON.parse(raw.bytes.toString("utf8")) as unknown;
    return { orderNotify: !!o && typeof o === "object" && (o as Record<string, unknown>).activity === "orderNotify", call: kept };
  } catch {
    return { orderNotify: false, call: kept };
  }
}
