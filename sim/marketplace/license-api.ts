/**
 * The authorization-code License open APIs as the local marketplace answers them
 * (docs/marketplace/license.md §2.3): activate v1 and v2, query (heartbeat) v1, software usage v2,
 * with the `error_code` / `error_msg` / `data` envelope and the `9202xxxx` codes.
 */
import { formatMarketplaceTime } from "../../core/time.js";
import type { LocalLicense, LocalMarketplaceState } from "./state.js";

/** One answer: HTTP status and JSON body. */
export interface Answer {
  status: number;
  body: Readonly<Record<string, unknown>>;
}

export const licenseAnswer = (code: string, msg: string, data?: unknown): Answer => ({
  status: 200,
  body: data === undefined ? { error_code: code, error_msg: msg } : { error_code: code, error_msg: msg, data },
});
const SUCCESS = () => licenseAnswer("92020000", "success");
export const INVALID_PARAM: Answer = { status: 400, body: { error_code: "95000001", error_msg: "req param is invalid" } };

/** Why a code cannot be activated, or null when it can (docs/marketplace/license.md §2.3 error table). */
function activationRefusal(l: LocalLicense | undefined): Answer | null {
  if (!l) return licenseAnswer("92020005", "license code notexist");
  if (l.state === "NOT_RECEIVED") return licenseAnswer("92020004", "can not active before user received.");
  if (l.state !== "RECEIVED") return licenseAnswer("92020003", "illegal state");
  return null;
}

function activate(l: LocalLicense, now: Date): void {
  l.state = "ALIVE";
  l.activateTime = formatMarketplaceTime(now);
}

export function activateV1(state: LocalMarketplaceState, body: Record<string, unknown>, now: Date): Answer {
  if (typeof body.license !== "string" || body.license === "") return INVALID_PARAM;
  const l = state.licenses.get(body.license);
  const refused = activationRefusal(l);
  if (refused) return refused;
  activate(l!, now);
  // license_code_info is a JSON string inside the JSON answer, as documented
  const info = JSON.stringify({ status: "ALIVE", expire_time: l!.expireTime, product_id: l!.productId, amount: l!.amount, order_id: l!.orderId });
  return licenseAnswer("92020000", "success", { license_code_info: info });
}

/**
 * UNCONFIRMED (docs/marketplace/license.md §2.3): how a batch with one bad code answers. Read as all-or-nothing: an
 * unknown code fails the batch with 92020020, otherwise the first refusal is answered; nothing is
 * activated unless every code can be.
 */
export function activateV2(state: LocalMarketplaceState, body: Record<string, unknown>, now: Date): Answer {
  const list = body.license_list;
  if (!Array.isArray(list) || list.length === 0 || list.length > 100 || !list.every((c) => typeof c === "string")) return INVALID_PARAM;
  const licenses = (list as string[]).map((c) => state.licenses.get(c));
  if (licenses.some((l) => l === undefined)) return licenseAnswer("92020020", "Invalid license code exists.");
  for (const l of licenses) {
    const refused = activationRefusal(l);
    if (refused) return refused;
  }
  for (const l of licenses) activate(l!, now);
  return SUCCESS();
}

/** Why a code cannot be queried or counted: unknown, or not activated yet. */
function queryRefusal(l: LocalLicense | undefined): Answer | null {
  if (!l) return licenseAnswer("92020005", "license code notexist");
  if (l.state === "NOT_RECEIVED" || l.state === "RECEIVED") return licenseAnswer("92020011", "license code has been not activated.");
  return null;
}

export function queryV1(state: LocalMarketplaceState, body: Record<string, unknown>): Answer {
  if (typeof body.license !== "string" || body.license === "") return INVALID_PARAM;
  const l = state.licenses.get(body.license);
  const refused = queryRefusal(l);
  if (refused) return refused;
  return licenseAnswer("92020000", "success", { license_code: l!.code, status: l!.state, activate_time: l!.activateTime, expire_time: l!.expireTime });
}

export function softwareUsageV2(state: LocalMarketplaceState, body: Record<string, unknown>): Answer {
  const list = body.usage_info;
  if (!Array.isArray(list) || list.length === 0 || list.length > 100) return INVALID_PARAM;
  for (const u of list as unknown[]) {
    const item = (u ?? {}) as Record<string, unknown>;
    if (typeof item.license !== "string" || !Array.isArray(item.software_usage_Info)) return INVALID_PARAM;
    const refused = queryRefusal(state.licenses.get(item.license));
    if (refused) return refused;
  }
  state.softwareUsage.push(...(list as Record<string, unknown>[]));
  return SUCCESS();
}
