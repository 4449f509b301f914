/**
 * The field rules of the 2.0 instance activities (docs/marketplace/saas.md §4; an online License listing's are the
 * same, docs/marketplace/license.md §3.1–3.4): required fields, types, maximum lengths and allowed values, as one JSON
 * Schema per activity. A body that breaks them is answered `000002`.
 * Unknown extra fields are allowed: the marketplace adds fields over time.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { callErrors } from "../errors.js";
import { explainRule, identifier, parseJsonObject, PRINTABLE } from "../serving/field-rules.js";
import { parseMarketplaceTime } from "../time.js";
import type { NewInstanceDetails, PurchaseTerms, UpgradeDetails } from "./adapter.js";
import { INSTANCE_STATUS_CHANGES, isSaasActivity, type InstanceStatusChange, type SaasActivity } from "../vocabulary.js";

// every string field but the activity, scene and times is an identifier (core/serving/field-rules.ts)
const str = (maxLength: number) => identifier(maxLength);
const optStr = (maxLength: number) => identifier(maxLength, true);
/** `testFlag` is a string in 2.0 bodies; a JSON number is tolerated (the sync calls send numbers, docs/marketplace/saas.md §5). */
const testFlag = { type: ["string", "integer"], maxLength: 2, enum: ["0", "1", "", 0, 1] };

const object = (required: Record<string, unknown>, optional: Record<string, unknown> = {}) => ({
  type: "object",
  required: ["activity", ...Object.keys(required)],
  properties: { activity: { type: "string" }, testFlag, ...required, ...optional },
});

const SCHEMAS: Record<SaasActivity, object> = {
  newInstance: object({ orderId: str(64), orderLineId: str(64), businessId: str(64) }),
  // one ID or up to 100 comma-separated IDs of at most 64 characters each (docs/marketplace/saas.md §4.2)
  queryInstance: object({ instanceId: { type: "string", minLength: 1, maxLength: 100 * 65, pattern: PRINTABLE } }),
  refreshInstance: object(
    {
      instanceId: str(64),
      orderId: str(64),
      orderLineId: str(64),
      // known scenes and newer upper-case ones (docs/marketplace/saas.md §4.3: accept unknown scenes gracefully)
      scene: { type: "string", maxLength: 64, pattern: "^[A-Z][A-Z0-9_]*$" },
      expireTime: { type: "string", pattern: "^\\d{14}(\\d{3})?$" },
    },
    { productId: optStr(64) },
  ),
  updateInstanceStatus: object({ instanceId: str(64), status: { enum: INSTANCE_STATUS_CHANGES } }),
  releaseInstance: object({ instanceId: str(64) }, { orderId: optStr(64), orderLineId: optStr(64) }),
  upgradeInstance: object({ instanceId: str(64), orderId: str(64), orderLineId: str(64) }),
  changeInstanceCheck: object({ instanceId: str(64), productInfo: { type: "object" } }),
};

/** What the fields with a pattern rule must look like, for resultMsg. */
const FORMATS = { expireTime: "UTC yyyyMMddHHmmss (milliseconds may follow)", scene: "upper-case letters, digits and _" };

const ajv = new Ajv({ allErrors: false, strict: false });
const VALIDATORS = Object.fromEntries(
  Object.entries(SCHEMAS).map(([a, s]) => [a, ajv.compile(s)]),
) as Record<SaasActivity, ValidateFunction>;

/** A 2.0 body that passed its activity's rules (or a 1.0 call mapped onto it: then `details` may be set). */
export type InstanceRequest =
  | { activity: "newInstance"; orderId: string; orderLineId: string; businessId: string; test: boolean; details?: NewInstanceDetails }
  | { activity: "queryInstance"; instanceIds: string[]; test: boolean }
  | {
      activity: "refreshInstance";
      instanceId: string;
      orderId: string;
      orderLineId: string;
      scene: string;
      productId?: string;
      expireAt: Date;
      /** 1.0: the renewed period */
      terms?: PurchaseTerms;
      test: boolean;
    }
  /** `expiry`: a 1.0 expireInstance (the lifecycle's `expire`, not a freeze) */
  | { activity: "updateInstanceStatus"; instanceId: string; status: InstanceStatusChange; expiry?: true; test: boolean }
  | { activity: "releaseInstance"; instanceId: string; orderId?: string; orderLineId?: string; test: boolean }
  | { activity: "upgradeInstance"; instanceId: string; orderId: string; orderLineId: string; test: boolean; details?: UpgradeDetails }
  | { activity: "changeInstanceCheck"; instanceId: string; productInfo: Record<string, unknown>; test: boolean };

/** What could be read of the body before a rule failed, for the event log. */
export interface PartialRequest {
  activity: string;
  instanceId?: string;
  test: boolean;
}

/** Reads the activity of a parsed body, as far as it can, for logging a refused call. */
function peek(body: unknown): PartialRequest {
  const o = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  return {
    activity: typeof o.activity === "string" ? o.activity.slice(0, 32) : "",
    instanceId: typeof o.instanceId === "string" ? o.instanceId.slice(0, 64) : undefined,
    test: o.testFlag === "1" || o.testFlag === 1,
  };
}

/** Reads what it can of a 2.0 body that may not even be JSON, for logging a refused call (parse() answers it). */
export function peekBody(rawBody: Buffer): PartialRequest {
  try {
    return peek(JSON.parse(rawBody.toString("utf8")));
  } catch {
    return { activity: "", test: false };
  }
}

/**
 * Parses and checks a 2.0 body.
 * @throws CallError 000002 naming the first broken rule
 */
export function parseInstanceRequest(rawBody: Buffer): InstanceRequest {
  const o = parseJsonObject(rawBody);
  // PostgreSQL text cannot hold U+0000: such a field could be neither looked up nor stored.
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === "string" && v.includes("\u0000")) throw callErrors.param(`param is invalid: ${k.slice(0, 32).replace(/\u0000/g, "")} holds a NUL character`);
  }
  if (o.activity === undefined) throw callErrors.param("param is invalid: activity is missing");
  if (!isSaasActivity(o.activity)) throw callErrors.param("param is invalid: unknown activity", `unknown activity ${JSON.stringify(o.activity).slice(0, 40)}`);
  const validate = VALIDATORS[o.activity];
  if (!validate(o)) throw callErrors.param(`param is invalid: ${explainRule(validate.errors![0]!, FORMATS)}`);
  const test = o.testFlag === "1" || o.testFlag === 1;
  const s = (k: string) => o[k] as string;
  const opt = (k: string) => (typeof o[k] === "string" && o[k] !== "" ? (o[k] as string) : undefined);
  switch (o.activity) {
    case "newInstance":
      return { activity: "newInstance", orderId: s("orderId"), orderLineId: s("orderLineId"), businessId: s("businessId"), test };
    case "queryInstance": {
      const ids = s("instanceId").split(",").map((x) => x.trim());
      if (ids.length > 100) throw callErrors.param("param is invalid: more than 100 instanceId values");
      if (ids.some((x) => x === "" || x.length > 64)) throw callErrors.param("param is invalid: instanceId holds an empty or too long value");
      return { activity: "queryInstance", instanceIds: [...new Set(ids)], test };
    }
    case "refreshInstance": {
      const expireAt = parseMarketplaceTime(s("expireTime"));
      if (!expireAt) throw callErrors.param("param is invalid: expireTime is not a real yyyyMMddHHmmss time");
      return {
        activity: "refreshInstance",
        instanceId: s("instanceId"),
        orderId: s("orderId"),
        orderLineId: s("orderLineId"),
        scene: s("scene"),
        productId: opt("productId"),
        expireAt,
        test,
      };
    }
    case "updateInstanceStatus":
      return { activity: "updateInstanceStatus", instanceId: s("instanceId"), status: o.status as InstanceStatusChange, test };
    case "releaseInstance":
      return { activity: "releaseInstance", instanceId: s("instanceId"), orderId: opt("orderId"), orderLineId: opt("orderLineId"), test };
    case "upgradeInstance":
      return { activity: "upgradeInstance", instanceId: s("instanceId"), orderId: s("orderId"), orderLineId: s("orderLineId"), test };
    case "changeInstanceCheck":
      return { activity: "changeInstanceCheck", instanceId: s("instanceId"), productInfo: o.productInfo as Record<string, unknown>, test };
  }
}

