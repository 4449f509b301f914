/**
 * The SaaS 1.0 (legacy GET) calls (docs/marketplace/saas.md §9), mapped onto the one typed lifecycle of
 * core/instances/activities.ts: the adapter never learns which protocol a listing speaks.
 *
 *   newInstance      → newInstance        (idempotent per order: orderLineId := productId ?? orderId)
 *   refreshInstance  → refreshInstance    (scene as sent, RENEWAL when absent; orderLineId := orderId)
 *   expireInstance   → updateInstanceStatus FREEZE, as an expiry (the lifecycle's `expire`)
 *   releaseInstance  → releaseInstance
 *   upgrade          → upgradeInstance    (orderLineId := orderId: a resend of one order upgrades once)
 *   instanceStatus   → updateInstanceStatus FREEZE / UNFREEZE (NORMAL)
 *   queryInstance    → queryInstance
 *
 * 1.0 orders have no order lines (docs/marketplace/saas.md §9 "idempotent per order"); a pay-per-use order makes one
 * instance per product (docs/marketplace/saas.md §4.1, 1.0 wording), hence productId as the line of a newInstance.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { decryptCredential } from "../../../crypto/credential.js";
import { callErrors } from "../../../errors.js";
import { explainRule, PRINTABLE, queryRules } from "../../../serving/field-rules.js";
import type { Logger } from "../../../logger.js";
import type { SaasProduct as Product } from "../product.js";
import { parseMarketplaceTime } from "../../../time.js";
import { assertNever, type EncryptType } from "../../../vocabulary.js";
import { V1_INSTANCE_STATUSES, type SaasV1Activity } from "../vocabulary.js";
import type { CustomerInfo, NewInstanceDetails } from "../adapter.js";
import { isOneOff, termsFrom, TERMS_RULES, type PurchaseTerms } from "../../../lifecycle/terms.js";
import type { InstanceRequest } from "../../../instances/requests.js";

const { id, optId, text, time14, object } = queryRules;

const SCHEMAS: Record<SaasV1Activity, object> = {
  newInstance: object(
    { businessId: id, orderId: id },
    {
      customerId: optId,
      customerName: text(),
      userId: optId,
      userName: text(),
      mobilePhone: text(),
      email: text(),
      productId: optId,
      skuCode: optId,
      trialFlag: { enum: ["0", "1", ""] },
      expireTime: time14,
      saasExtendParams: text(8192),
      ...TERMS_RULES,
    },
  ),
  refreshInstance: object({ instanceId: id, orderId: id, expireTime: time14 }, { productId: optId, scene: optId, periodType: TERMS_RULES.periodType!, periodNumber: TERMS_RULES.periodNumber! }),
  expireInstance: object({ instanceId: id }, { orderId: optId }),
  releaseInstance: object({ instanceId: id }, { orderId: optId }),
  upgrade: object({ instanceId: id, orderId: id }, { productId: optId, skuCode: optId, amount: TERMS_RULES.amount!, diskSize: TERMS_RULES.diskSize!, bandWidth: TERMS_RULES.bandWidth! }),
  instanceStatus: object({ instanceId: id, instanceStatus: { enum: V1_INSTANCE_STATUSES } }),
  queryInstance: object({ instanceId: { type: "string", minLength: 1, maxLength: 100 * 65, pattern: PRINTABLE } }),
};

const ajv = new Ajv({ allErrors: false, strict: false });
const VALIDATORS = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, ajv.compile(s)])) as Record<SaasV1Activity, ValidateFunction>;

export interface V1MapOptions {
  product: Product;
  /** the basic key that verified the call: it also encrypted mobilePhone/email */
  accessKey: string;
  logger: Logger;
}

/**
 * Checks a 1.0 call's parameters (already URL-decoded) and maps it onto a 2.0 lifecycle request.
 * @throws CallError 000002 naming the first broken rule
 */
export function mapV1Request(activity: SaasV1Activity, params: ReadonlyMap<string, string>, opts: V1MapOptions): InstanceRequest {
  const o = Object.fromEntries(params);
  const validate = VALIDATORS[activity];
  if (!validate(o)) throw callErrors.param(`param is invalid: ${explainRule(validate.errors![0]!, { expireTime: "yyyyMMddHHmmss", timeStamp: "yyyyMMddHHmmssSSS" })}`);
  const test = o.testFlag === "1";
  const opt = (k: string) => (o[k] ? o[k] : undefined);
  switch (activity) {
    case "newInstance":
      return {
        activity: "newInstance",
        orderId: o.orderId!,
        orderLineId: opt("productId") ?? o.orderId!,
        businessId: o.businessId!,
        test,
        details: newInstanceDetails(o, opts),
      };
    case "refreshInstance":
      return {
        activity: "refreshInstance",
        instanceId: o.instanceId!,
        orderId: o.orderId!,
        orderLineId: o.orderId!,
        scene: opt("scene") ?? "RENEWAL",
        productId: opt("productId"),
        expireAt: time(o.expireTime!),
        ...withTerms(termsFrom({ periodType: o.periodType, periodNumber: o.periodNumber })),
        test,
      };
    case "expireInstance":
      return { activity: "updateInstanceStatus", instanceId: o.instanceId!, status: "FREEZE", expiry: true, test };
    case "releaseInstance":
      return { activity: "releaseInstance", instanceId: o.instanceId!, orderId: opt("orderId"), test };
    case "upgrade":
      return {
        activity: "upgradeInstance",
        instanceId: o.instanceId!,
        orderId: o.orderId!,
        orderLineId: o.orderId!,
        test,
        details: { productId: opt("productId"), skuCode: opt("skuCode"), ...withTerms(termsFrom({ amount: o.amount, diskSize: o.diskSize, bandWidth: o.bandWidth })) },
      };
    case "instanceStatus":
      return { activity: "updateInstanceStatus", instanceId: o.instanceId!, status: o.instanceStatus === "FREEZE" ? "FREEZE" : "UNFREEZE", test };
    case "queryInstance": {
      const ids = o.instanceId!.split(",").map((x) => x.trim());
      if (ids.length > 100 || ids.some((x) => x === "" || x.length > 64)) throw callErrors.param("param is invalid: instanceId");
      return { activity: "queryInstance", instanceIds: [...new Set(ids)], test };
    }
    default:
      return assertNever(activity);
  }
}

function newInstanceDetails(o: Record<string, string>, opts: V1MapOptions): NewInstanceDetails {
  const customer: CustomerInfo = {};
  if (o.customerId) customer.id = o.customerId;
  if (o.customerName) customer.name = o.customerName;
  if (o.userId) customer.userId = o.userId;
  if (o.userName) customer.userName = o.userName;
  for (const k of ["mobilePhone", "email"] as const) {
    if (!o[k]) continue;
    const plain = decryptContact(o[k]!, opts);
    if (plain !== undefined) customer[k] = plain;
    // A purchase is not refused over a contact detail: the adapter gets the rest (the key or
    // encryptType the marketplace used for requests is UNCONFIRMED, docs/marketplace/saas.md §7).
    else opts.logger.warn(`${k} could not be decrypted with the basic key; passed to the adapter without it`, { product: opts.product.id });
  }
  const details: NewInstanceDetails = {};
  if (Object.keys(customer).length) details.customer = customer;
  if (o.productId) details.productId = o.productId;
  if (o.skuCode) details.skuCode = o.skuCode;
  const terms = termsFrom(o);
  if (terms) details.terms = terms;
  // a one-off (按次) purchase never expires, whatever expireTime says
  if (o.expireTime && !isOneOff(terms)) details.expireAt = time(o.expireTime);
  if (o.trialFlag) details.trial = o.trialFlag === "1";
  if (o.saasExtendParams) details.extendParams = extendParams(o.saasExtendParams);
  return details;
}

function withTerms(terms: PurchaseTerms | undefined): { terms?: PurchaseTerms } {
  return terms ? { terms } : {};
}

/** The product's encryptType first, then the other one (which one the marketplace uses is UNCONFIRMED). */
function decryptContact(value: string, opts: V1MapOptions): string | undefined {
  const types: EncryptType[] = opts.product.encryptType === 1 ? [1, 2] : [2, 1];
  for (const encryptType of types) {
    try {
      return decryptCredential(value, { accessKey: opts.accessKey, encryptType });
    } catch {
      // the other key size
    }
  }
  return undefined;
}

/** `saasExtendParams`: base64 of a JSON array of {name, value} (docs/marketplace/saas.md §9). */
function extendParams(b64: string): Record<string, string> {
  let list: unknown;
  try {
    list = JSON.parse(Buffer.from(b64, "base64").toString("utf8"));
  } catch {
    throw callErrors.param("param is invalid: saasExtendParams is not base64 of a JSON array");
  }
  if (!Array.isArray(list)) throw callErrors.param("param is invalid: saasExtendParams is not base64 of a JSON array");
  const out: Record<string, string> = {};
  for (const item of list) {
    const { name, value } = (item ?? {}) as { name?: unknown; value?: unknown };
    if (typeof name !== "string" || name === "") throw callErrors.param("param is invalid: saasExtendParams holds an item without a name");
    out[name] = value === undefined || value === null ? "" : String(value);
  }
  return out;
}

/** `yyyyMMddHHmmss`, UTC, 24-hour clock (docs/marketplace/saas.md §9). */
function time(value: string): Date {
  const d = parseMarketplaceTime(value);
  if (!d) throw callErrors.param("param is invalid: expireTime is not a real yyyyMMddHHmmss time");
  return d;
}

