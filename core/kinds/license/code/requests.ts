/**
 * The field rules of the authorization-code calls (docs/marketplace/license.md §2.2): required fields, types, maximum
 * lengths and allowed values, one JSON Schema per activity. A body that breaks them is answered `000002`.
 * Unknown extra fields are allowed: the marketplace adds fields over time.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { callErrors } from "../../../errors.js";
import { parseMarketplaceTime } from "../../../time.js";
import { explainRule, parseJsonObject } from "../../../serving/field-rules.js";

export const CODE_ACTIVITIES = ["refreshLicenseCode", "updateLicenseCodeStatus", "releaseLicenseCode"] as const;
export type CodeActivity = (typeof CODE_ACTIVITIES)[number];

const str = (maxLength: number) => ({ type: "string", minLength: 1, maxLength });
const optStr = (maxLength: number) => ({ type: "string", maxLength });
const testFlag = { type: ["string", "integer"], maxLength: 2, enum: ["0", "1", "", 0, 1] };
// a code is printable ASCII (examples `PLXXXXXX`; the format is UNCONFIRMED, docs/marketplace/license.md §8 item 3)
const license = { type: "string", minLength: 1, maxLength: 64, pattern: "^[\\x21-\\x7e]+$" };

const object = (required: Record<string, unknown>, optional: Record<string, unknown> = {}) => ({
  type: "object",
  required: ["activity", "license", ...Object.keys(required)],
  properties: { activity: { type: "string" }, testFlag, license, ...required, ...optional },
});

const SCHEMAS: Record<CodeActivity, object> = {
  refreshLicenseCode: object(
    {
      // RENEWAL, UNSUBSCRIBE_RENEWAL_PERIOD, or a newer upper-case scene (accepted, passed through)
      scene: { type: "string", maxLength: 64, pattern: "^[A-Z][A-Z0-9_]*$" },
      orderId: str(64),
      orderLineId: str(64),
      expireTime: { type: "string", pattern: "^\\d{14}(\\d{3})?$" },
    },
    { productId: optStr(64) },
  ),
  updateLicenseCodeStatus: object({ status: { enum: ["FREEZE", "UNFREEZE"] } }),
  releaseLicenseCode: object({}, { orderId: optStr(64), orderLineId: optStr(64) }),
};

const FORMATS = { expireTime: "UTC yyyyMMddHHmmss", scene: "upper-case letters, digits and _", license: "printable ASCII" };

const ajv = new Ajv({ allErrors: false, strict: false });
const VALIDATORS = Object.fromEntries(Object.entries(SCHEMAS).map(([a, s]) => [a, ajv.compile(s)])) as Record<CodeActivity, ValidateFunction>;

export type CodeRequest =
  | { activity: "refreshLicenseCode"; license: string; scene: string; orderId: string; orderLineId: string; productId?: string; expireAt: Date; test: boolean }
  | { activity: "updateLicenseCodeStatus"; license: string; status: "FREEZE" | "UNFREEZE"; test: boolean }
  | { activity: "releaseLicenseCode"; license: string; orderId?: string; orderLineId?: string; test: boolean };

function isCodeActivity(v: unknown): v is CodeActivity {
  return typeof v === "string" && (CODE_ACTIVITIES as readonly string[]).includes(v);
}

/**
 * Parses and checks an authorization-code call.
 * @throws CallError 000002 naming the first broken rule
 */
export function parseCodeRequest(rawBody: Buffer): CodeRequest {
  const o = parseJsonObject(rawBody);
  if (o.activity === undefined) throw callErrors.param("param is invalid: activity is missing");
  if (!isCodeActivity(o.activity)) throw callErrors.param("param is invalid: unknown activity", `unknown activity ${JSON.stringify(o.activity).slice(0, 40)}`);
  const validate = VALIDATORS[o.activity];
  if (!validate(o)) throw callErrors.param(`param is invalid: ${explainRule(validate.errors![0]!, FORMATS)}`);
  const test = o.testFlag === "1" || o.testFlag === 1;
  const s = (k: string) => o[k] as string;
  const opt = (k: string) => (typeof o[k] === "string" && o[k] !== "" ? (o[k] as string) : undefined);
  for (const k of ["orderId", "orderLineId", "productId", "scene"]) {
    if (typeof o[k] === "string" && (o[k] as string).includes("\u0000")) throw callErrors.param(`param is invalid: ${k} holds a NUL character`);
  }
  switch (o.activity) {
    case "refreshLicenseCode": {
      // UNCONFIRMED time zone (docs/marketplace/license.md §8 item 4): read as UTC like every other marketplace time
      const expireAt = parseMarketplaceTime(s("expireTime"));
      if (!expireAt) throw callErrors.param("param is invalid: expireTime is not a real yyyyMMddHHmmss time");
      return { activity: o.activity, license: s("license"), scene: s("scene"), orderId: s("orderId"), orderLineId: s("orderLineId"), productId: opt("productId"), expireAt, test };
    }
    case "updateLicenseCodeStatus":
      return { activity: o.activity, license: s("license"), status: o.status as "FREEZE" | "UNFREEZE", test };
    case "releaseLicenseCode":
      return { activity: o.activity, license: s("license"), orderId: opt("orderId"), orderLineId: opt("orderLineId"), test };
  }
}

/** What the event log may name of a body: the activity and the code's reference, never the code. */
export function peekCode(rawBody: Buffer, ref: (code: string) => string): { activity: string; instanceId?: string; test: boolean } {
  try {
    const o = JSON.parse(rawBody.toString("utf8")) as Record<string, unknown>;
    return {
      activity: typeof o.activity === "string" ? o.activity.slice(0, 32) : "",
      instanceId: typeof o.license === "string" ? ref(o.license) : undefined,
      test: o.testFlag === "1" || o.testFlag === 1,
    };
  } catch {
    return { activity: "", test: false };
  }
}
