/**
 * What the 1.0 (legacy GET) interfaces share, whatever the kind (SaaS 1.0, the 1.0 licence): the
 * `authToken` checked over the raw query (docs/marketplace/saas.md §2.3), what the event row names, the
 * `timeStamp` window, and the key the answer's Body-Sign is made with (the one that verified the call).
 */
import { callErrors } from "../errors.js";
import type { Logger } from "../logger.js";
import type { ProductBase } from "../products/definition.js";
import { verifyAuthToken } from "../signing/auth-token.js";
import { parseMarketplaceTime } from "../time.js";
import type { Incoming, Seen, Verified } from "./pipeline.js";

/**
 * How far a 1.0 `timeStamp` may be from the server's clock, either way. The 1.0 skew is UNCONFIRMED
 * (docs/marketplace/saas.md §2.3): five minutes, wider than 2.0's documented 60 s (§2.1) because a 1.0
 * call carries no nonce to make a narrow window worth its false refusals, and every 1.0 activity is
 * idempotent, so a replay inside the window changes nothing.
 */
export const V1_TOLERANCE_MS = 5 * 60_000;

export interface V1Verified extends Verified {
  /** the decoded query parameters */
  params: Map<string, string>;
}

/** @throws SignatureError (missing timeStamp, missing or wrong authToken) */
export function verifyV1Call(input: Incoming, product: ProductBase, logger: Logger): V1Verified {
  const v = verifyAuthToken(input.rawQuery, product.keys.basic);
  logger.debug("authToken matched", { product: product.id, form: v.form, keyIndex: v.keyIndex });
  return { keyIndex: v.keyIndex, params: v.params, signed: v.form };
}

/** What the event row and the log line name of a verified 1.0 call. */
export function peekV1Call(v: V1Verified): Seen {
  return { activity: (v.params.get("activity") ?? "").slice(0, 32), instanceId: v.params.get("instanceId")?.slice(0, 64), test: v.params.get("testFlag") === "1" };
}

/** The key a 1.0 answer is signed with: the one that verified the call, else the current one. */
export function v1AnswerKey(product: ProductBase, v: V1Verified | undefined): string {
  return product.keys.basic[v?.keyIndex ?? 0] ?? product.keys.basic[0]!;
}

/** @throws CallError 000002 when timeStamp is not a real UTC yyyyMMddHHmmssSSS or is outside the window */
export function checkTimeStamp(value: string, nowMs: number): void {
  const t = parseMarketplaceTime(value);
  if (!t) throw callErrors.param("param is invalid: timeStamp is not yyyyMMddHHmmssSSS");
  const skew = nowMs - t.getTime();
  if (skew > V1_TOLERANCE_MS) throw callErrors.param("timeStamp is too old", `timeStamp ${skew} ms in the past`);
  if (-skew > V1_TOLERANCE_MS) throw callErrors.param("timeStamp is in the future", `timeStamp ${-skew} ms ahead`);
}
