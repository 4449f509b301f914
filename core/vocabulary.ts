/**
 * The closed vocabularies of koogate, in the marketplace's own words.
 *
 * Every switch over one of these unions is exhaustive (see `assertNever`), and the JSON Schemas, the
 * router, the adapter interfaces and the simulator all take their values from here.
 */

/** Kinds of KooGallery listing a product definition can declare (docs/marketplace/saas.md §0). */
export const PRODUCT_KINDS = ["saas", "license", "image", "api"] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

/** Wire protocol of a SaaS listing: 2.0 POST JSON (current) or 1.0 GET (legacy, docs/marketplace/saas.md §9). */
export const SAAS_PROTOCOLS = ["v2", "v1"] as const;
export type SaasProtocol = (typeof SAAS_PROTOCOLS)[number];

/** The seven SaaS 2.0 basic activities (docs/marketplace/saas.md §4). */
export const SAAS_ACTIVITIES = [
  "newInstance",
  "queryInstance",
  "refreshInstance",
  "updateInstanceStatus",
  "releaseInstance",
  "upgradeInstance",
  "changeInstanceCheck",
] as const;
export type SaasActivity = (typeof SAAS_ACTIVITIES)[number];

export function isSaasActivity(value: unknown): value is SaasActivity {
  return typeof value === "string" && (SAAS_ACTIVITIES as readonly string[]).includes(value);
}

/** The joint-operation (联营) sync calls, each at `/produceAPI/v2/<name>` (docs/marketplace/saas.md §5). */
export const JOINT_SYNCS = ["tenantSync", "applicationSync", "authSync", "singleOrgSync", "allOrgSync"] as const;
export type JointSync = (typeof JOINT_SYNCS)[number];

export function isJointSync(value: unknown): value is JointSync {
  return typeof value === "string" && (JOINT_SYNCS as readonly string[]).includes(value);
}

/** The SaaS 1.0 (legacy GET) activities (docs/marketplace/saas.md §9); `getLicense` belongs to licence products and is not served. */
export const SAAS_V1_ACTIVITIES = [
  "newInstance",
  "refreshInstance",
  "expireInstance",
  "releaseInstance",
  "upgrade",
  "instanceStatus",
  "queryInstance",
] as const;
export type SaasV1Activity = (typeof SAAS_V1_ACTIVITIES)[number];

export function isSaasV1Activity(value: unknown): value is SaasV1Activity {
  return typeof value === "string" && (SAAS_V1_ACTIVITIES as readonly string[]).includes(value);
}

/** `instanceStatus` values of the 1.0 pay-per-use status call (docs/marketplace/saas.md §9). */
export const V1_INSTANCE_STATUSES = ["FREEZE", "NORMAL"] as const;
export type V1InstanceStatus = (typeof V1_INSTANCE_STATUSES)[number];

/** Scenes of refreshInstance (docs/marketplace/saas.md §4.3). `RENEWAL_CHANGE` is seen only in third-party code (§11.8). */
export const REFRESH_SCENES = ["TRIAL_TO_FORMAL", "RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD", "RENEWAL_CHANGE"] as const;
export type RefreshScene = (typeof REFRESH_SCENES)[number];

/** Statuses of updateInstanceStatus (docs/marketplace/saas.md §4.4). */
export const INSTANCE_STATUS_CHANGES = ["FREEZE", "UNFREEZE"] as const;
export type InstanceStatusChange = (typeof INSTANCE_STATUS_CHANGES)[number];

/** Result codes the merchant answers with (docs/marketplace/saas.md §6). */
export const RESULT_CODES = {
  success: "000000",
  authFailed: "000001",
  badParameter: "000002",
  unknownInstance: "000003",
  processing: "000004",
  internalError: "000005",
  noResource: "000100",
  appSecretError: "000101",
  /** online License getLicenseAsync (docs/marketplace/license.md §3.6): the current order's licence quota is used up */
  licenseQuota: "000900",
  /** … apply within the current order's validity window */
  licenseWindow: "000901",
  /** … a periodic licence needs an expiry time */
  licenseExpiryRequired: "000902",
  /** … a device fingerprint / hardware ID is required */
  licenseFingerprintRequired: "000903",
} as const;
export type ResultCode = (typeof RESULT_CODES)[keyof typeof RESULT_CODES];

/** The sample's `resultMsg` for each code (docs/marketplace/saas.md §6), used when no more specific message applies. */
export const RESULT_MESSAGES: Readonly<Record<ResultCode, string>> = {
  "000000": "success.",
  "000001": "token is invalid",
  "000002": "param is invalid",
  "000003": "instance is invalid",
  "000004": "request is processing",
  "000005": "other inner error",
  "000100": "no available resource",
  "000101": "something wrong with appSecret",
  "000900": "the licence quota of the current order is used up",
  "000901": "apply within the validity of the current order",
  "000902": "a periodic licence needs expireTime",
  "000903": "deviceFingerprint is required",
};

/** The delivery variants of a License listing (docs/marketplace/license.md §0): authorization codes, online activation, the 1.0 licence. */
export const LICENSE_VARIANTS = ["code", "online", "v1"] as const;
export type LicenseVariant = (typeof LICENSE_VARIANTS)[number];

/** Lifecycle state koogate keeps for an instance. */
/**
 * `provisioning`: answered, adapter work still going on (outbox); `failed`: that work gave up; the others
 * are the lifecycle states of core/lifecycle/table.ts (`expired`: a 1.0 expiry, until a renewal).
 */
export const INSTANCE_STATES = ["provisioning", "active", "frozen", "expired", "released", "failed"] as const;
export type InstanceState = (typeof INSTANCE_STATES)[number];

/** What koogate did with one call, as recorded in the event log. */
export const VERDICTS = [
  /** the call was carried out (the adapter ran, or a read was answered) */
  "processed",
  /** an idempotent resend, answered from what the first delivery stored, without the adapter */
  "resent",
  /** refused before any work: signature, timestamp, nonce, parameters, unknown instance */
  "rejected",
  /** the adapter or koogate failed; nothing was cached, so the next resend tries again */
  "failed",
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Kinds of secret a product may hold, each with one or more active keys for rotation. */
export const KEY_TYPES = ["basic", "kit", "license", "general"] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** `encryptType` of credential encryption (docs/marketplace/saas.md §7): 1 = AES-256 (default), 2 = AES-128. */
export const ENCRYPT_TYPES = [1, 2] as const;
export type EncryptType = (typeof ENCRYPT_TYPES)[number];

/** Compile-time exhaustiveness check for switches over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`unhandled value ${String(value)}`);
}
