/**
 * The closed vocabularies of koogate, in the marketplace's own words.
 *
 * Every switch over one of these unions is exhaustive (see `assertNever`). Only what the core itself
 * serves is here; a kind declares its own activities, key types and result codes in its folder
 * (core/kinds/<kind>/vocabulary.ts) and the registry (core/kinds/registry.ts) gathers them.
 */

/**
 * The common result codes, which every kind may answer (docs/marketplace/saas.md §6). A kind adds its
 * own with their messages (`Kind.vocabulary.resultCodes`) and their names to `ResultCodes` below.
 */
export const RESULT_CODES = {
  success: "000000",
  authFailed: "000001",
  badParameter: "000002",
  unknownInstance: "000003",
  processing: "000004",
  internalError: "000005",
  noResource: "000100",
  appSecretError: "000101",
} as const;
/** The common result codes, those of RESULT_CODES. */
export type CommonResultCode = (typeof RESULT_CODES)[keyof typeof RESULT_CODES];

/**
 * Every result code a call may be answered with: the common ones, and each kind's, which it adds by
 * declaration merging (`declare module "…/vocabulary.js" { interface ResultCodes { "000900": true } }`)
 * beside declaring its message in `Kind.vocabulary.resultCodes`.
 */
export interface ResultCodes extends Record<CommonResultCode, true> {}
export type ResultCode = keyof ResultCodes & string;

/** The sample's `resultMsg` for each common code (docs/marketplace/saas.md §6), used when no more specific message applies. */
export const RESULT_MESSAGES: Readonly<Record<CommonResultCode, string>> = {
  "000000": "success.",
  "000001": "token is invalid",
  "000002": "param is invalid",
  "000003": "instance is invalid",
  "000004": "request is processing",
  "000005": "other inner error",
  "000100": "no available resource",
  "000101": "something wrong with appSecret",
};

/**
 * The seven 2.0 instance activities (docs/marketplace/saas.md §4), served by the instance lifecycle the
 * kinds share (core/instances/): SaaS listings and online License listings.
 */
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

/** Scenes of refreshInstance (docs/marketplace/saas.md §4.3). `RENEWAL_CHANGE` is seen only in third-party code (§11.8). */
export const REFRESH_SCENES = ["TRIAL_TO_FORMAL", "RENEWAL", "UNSUBSCRIBE_RENEWAL_PERIOD", "RENEWAL_CHANGE"] as const;
export type RefreshScene = (typeof REFRESH_SCENES)[number];

/** Statuses of updateInstanceStatus (docs/marketplace/saas.md §4.4). */
export const INSTANCE_STATUS_CHANGES = ["FREEZE", "UNFREEZE"] as const;
export type InstanceStatusChange = (typeof INSTANCE_STATUS_CHANGES)[number];

/** Activities the core itself serves on a kind's production URL: the instance activities (core/instances/) and the order notification (core/orders/). */
export const CORE_ACTIVITIES = [...SAAS_ACTIVITIES, "orderNotify"] as const;

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

/**
 * Kinds of secret a product may hold, each with one or more active keys for rotation: the core's two
 * (the basic production interface every kind's marketplace calls are signed with; the general key of
 * order notification and the usage push), and each kind's own, which it declares with a description
 * (`Kind.vocabulary.keyTypes`) and adds to `KeyTypes` by declaration merging
 * (`declare module "…/vocabulary.js" { interface KeyTypes { kit: true } }`).
 */
export const CORE_KEY_TYPES = {
  basic: "Key of the basic production interface (Seller Console).",
  general: "Seller's general interconnection key (order notification, usage push).",
} as const;
export interface KeyTypes extends Record<keyof typeof CORE_KEY_TYPES, true> {}
export type KeyType = keyof KeyTypes & string;

/** `encryptType` of credential encryption (docs/marketplace/saas.md §7): 1 = AES-256 (default), 2 = AES-128. */
export const ENCRYPT_TYPES = [1, 2] as const;
export type EncryptType = (typeof ENCRYPT_TYPES)[number];

/** Compile-time exhaustiveness check for switches over the unions above. */
export function assertNever(value: never): never {
  throw new Error(`unhandled value ${String(value)}`);
}
