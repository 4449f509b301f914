/**
 * The online-activation calls (docs/marketplace/license.md §3): the instance activities with the 2.0 field rules
 * (core/instances/requests.ts, the SaaS kind's too: one set of rules), and getLicenseAsync (§3.5).
 */
import { Ajv } from "ajv";
import { callErrors, CallError } from "../../../errors.js";
import { explainRule, parseJsonObject } from "../../../serving/field-rules.js";
import { parseInstanceRequest, type InstanceRequest } from "../../../instances/requests.js";

export interface GetLicenseAsyncRequest {
  activity: "getLicenseAsync";
  eventId: string;
  instanceId: string;
  effectiveTime: string;
  expireTime?: string;
  deviceFingerprint: string;
  test: boolean;
}

export type OnlineRequest = Exclude<InstanceRequest, { activity: "changeInstanceCheck" }> | GetLicenseAsyncRequest;

/**
 * UNCONFIRMED (docs/marketplace/license.md §8 item 9): the SDK allows a 5 KB fingerprint, the interface 1024
 * characters. The wider limit is accepted (the most compatible reading): a fingerprint is stored only
 * as a digest and inside a sealed payload, so the storage it costs stays bounded.
 */
export const MAX_FINGERPRINT = 5120;

const str = (maxLength: number) => ({ type: "string", minLength: 1, maxLength });
const validate = new Ajv({ allErrors: false, strict: false }).compile({
  type: "object",
  required: ["activity", "eventId", "instanceId", "effectiveTime"],
  properties: {
    activity: { type: "string" },
    testFlag: { type: ["string", "integer"], maxLength: 2, enum: ["0", "1", "", 0, 1] },
    eventId: { ...str(64), pattern: "^[\\x21-\\x7e]+$" },
    instanceId: str(64),
    effectiveTime: str(32),
    expireTime: { type: "string", maxLength: 32 },
    deviceFingerprint: { type: "string", maxLength: MAX_FINGERPRINT },
  },
});

/**
 * @throws CallError 000002 naming the first broken rule; 000903 when no device fingerprint is sent
 */
export function parseOnlineRequest(rawBody: Buffer): OnlineRequest {
  const o = parseJsonObject(rawBody);
  if (o.activity === "changeInstanceCheck") throw callErrors.param("param is invalid: unknown activity", "changeInstanceCheck is not an online-License activity (docs/marketplace/license.md §3)");
  if (o.activity !== "getLicenseAsync") return parseInstanceRequest(rawBody) as OnlineRequest;
  if (!validate(o)) throw callErrors.param(`param is invalid: ${explainRule(validate.errors![0]!, { eventId: "printable ASCII" })}`);
  for (const [k, v] of Object.entries(o)) if (typeof v === "string" && v.includes("\u0000")) throw callErrors.param(`param is invalid: ${k.slice(0, 32)} holds a NUL character`);
  const fingerprint = typeof o.deviceFingerprint === "string" ? o.deviceFingerprint.trim() : "";
  // the variant's own code for a missing hardware ID (docs/marketplace/license.md §3.6)
  if (fingerprint === "") throw new CallError("000903");
  const s = (k: string) => o[k] as string;
  return {
    activity: "getLicenseAsync",
    eventId: s("eventId"),
    instanceId: s("instanceId"),
    effectiveTime: s("effectiveTime"),
    expireTime: typeof o.expireTime === "string" && o.expireTime !== "" ? o.expireTime : undefined,
    deviceFingerprint: fingerprint,
    test: o.testFlag === "1" || o.testFlag === 1,
  };
}
