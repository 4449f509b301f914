/**
 * Requests of the SaaS 1.0 legacy interface, signed as KooGallery signs them (docs/marketplace/saas.md §2.3, §9): GET
 * the production URL with every parameter in the query string, `timeStamp` (UTC `yyyyMMddHHmmssSSS`)
 * and `authToken` = base64 HMAC-SHA256(accessKey + timeStamp, sorted decoded pairs).
 *
 * The token comes from core/signing/auth-token.ts `signAuthToken`, the module the server verifies with.
 */
import { signAuthToken } from "../../signing/auth-token.js";
import type { SimTarget } from "../target.js";
import type { WireRequest } from "../wire.js";

export interface V1RequestOptions {
  /** the `timeStamp` parameter; default now */
  timeStamp?: string;
}

/** A 1.0 `timeStamp`: UTC `yyyyMMddHHmmssSSS` (docs/marketplace/saas.md §9). */
export function v1TimeStamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:TZ.]/g, "");
}

/**
 * The GET request for `activity` with `params` (plain values; encoded here). Parameters are sent
 * sorted by name like Huawei's example (docs/marketplace/saas.md §10.1), values URL-encoded, `authToken` last; the
 * token signs the decoded values, the form the documentation describes.
 */
export function v1Request(
  target: SimTarget,
  /**
   * the 1.0 activity, as the calling kind's scenario names it (a SaaS 1.0 one, or a licence one,
   * docs/marketplace/license.md §4): the builder signs any, each kind checks its own vocabulary
   */
  activity: string,
  params: Readonly<Record<string, string>>,
  opts: V1RequestOptions = {},
): WireRequest {
  const accessKey = target.product.keys.basic[0]!;
  const all: Record<string, string> = { activity, ...params, testFlag: target.testFlag, timeStamp: opts.timeStamp ?? v1TimeStamp(Date.now()) };
  const pairs = Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const authToken = signAuthToken({ accessKey, timeStamp: all.timeStamp!, params: pairs });
  const query = [...pairs, ["authToken", authToken] as const].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  return { method: "GET", url: `${target.productionUrl}?${query}`, headers: {}, replyKeys: target.product.keys.basic };
}
