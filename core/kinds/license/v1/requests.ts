/**
 * The 1.0 licence calls (docs/marketplace/license.md §4): GET, every field a query parameter, checked here after the
 * authToken (core/signing/auth-token.ts) and the timeStamp window (the SaaS 1.0 rules, imported).
 * UNCONFIRMED (§4, §8 item 8): getLicense's full field list and expireLicense's fields; the SaaS 1.0
 * fields they presumably mirror are accepted, unknown ones ignored.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { callErrors } from "../../../errors.js";
import { parseMarketplaceTime } from "../../../time.js";
import { explainRule, queryRules } from "../../../serving/field-rules.js";
import { isOneOff, termsFrom, TERMS_RULES, type PurchaseTerms } from "../../../lifecycle/terms.js";

export const V1_LICENSE_ACTIVITIES = ["getLicense", "refreshLicense", "expireLicense", "releaseLicense"] as const;
export type V1LicenseActivity = (typeof V1_LICENSE_ACTIVITIES)[number];

const { id, text, time14, object } = queryRules;

const SCHEMAS: Record<V1LicenseActivity, object> = {
  // the purchase's quantities and period (docs/marketplace/license.md §4, as SaaS 1.0 newInstance sends them)
  getLicense: object({ businessId: id, orderId: id }, { customerId: text(100), customerName: text(64), productId: text(64), skuCode: text(64), expireTime: time14, trialFlag: { enum: ["0", "1", ""] }, ...TERMS_RULES }),
  refreshLicense: object({ instanceId: id, orderId: id, expireTime: time14 }, { productId: text(64), periodType: text(16), periodNumber: { type: "string", pattern: "^\\d{1,9}$" } }),
  expireLicense: object({ instanceId: id }, { orderId: text(64) }),
  releaseLicense: object({ instanceId: id }, { orderId: text(64) }),
};

const ajv = new Ajv({ allErrors: false, strict: false });
const VALIDATORS = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, ajv.compile(s)])) as Record<V1LicenseActivity, ValidateFunction>;

export type V1LicenseRequest =
  | { activity: "getLicense"; businessId: string; orderId: string; productId?: string; skuCode?: string; expireTime?: string; terms?: PurchaseTerms; trial?: boolean; test: boolean }
  | { activity: "refreshLicense"; instanceId: string; orderId: string; expireAt: Date; productId?: string; periodType?: string; periodNumber?: number; test: boolean }
  | { activity: "expireLicense"; instanceId: string; orderId?: string; test: boolean }
  | { activity: "releaseLicense"; instanceId: string; orderId?: string; test: boolean };

export function isV1LicenseActivity(v: unknown): v is V1LicenseActivity {
  return typeof v === "string" && (V1_LICENSE_ACTIVITIES as readonly string[]).includes(v);
}

/** @throws CallError 000002 naming the first broken rule */
export function parseV1LicenseRequest(activity: V1LicenseActivity, params: ReadonlyMap<string, string>): V1LicenseRequest {
  const o = Object.fromEntries(params);
  const validate = VALIDATORS[activity];
  if (!validate(o)) throw callErrors.param(`param is invalid: ${explainRule(validate.errors![0]!, { expireTime: "yyyyMMddHHmmss", periodNumber: "a whole number" })}`);
  const test = o.testFlag === "1";
  const opt = (k: string) => (o[k] ? o[k] : undefined);
  switch (activity) {
    case "getLicense": {
      const terms = termsFrom(o);
      // a one-off (按次) purchase never expires, whatever expireTime says
      const expireTime = isOneOff(terms) ? undefined : opt("expireTime");
      return { activity, businessId: o.businessId!, orderId: o.orderId!, productId: opt("productId"), skuCode: opt("skuCode"), expireTime, ...(terms ? { terms } : {}), ...(o.trialFlag ? { trial: o.trialFlag === "1" } : {}), test };
    }
    case "refreshLicense": {
      const expireAt = parseMarketplaceTime(o.expireTime!);
      if (!expireAt) throw callErrors.param("param is invalid: expireTime is not a real yyyyMMddHHmmss time");
      const periodNumber = opt("periodNumber");
      return { activity, instanceId: o.instanceId!, orderId: o.orderId!, expireAt, productId: opt("productId"), periodType: opt("periodType"), periodNumber: periodNumber ? Number(periodNumber) : undefined, test };
    }
    case "expireLicense":
    case "releaseLicense":
      return { activity, instanceId: o.instanceId!, orderId: opt("orderId"), test };
  }
}
