/** The closed vocabularies of SaaS listings, in the marketplace's own words (docs/marketplace/saas.md). */

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

declare module "../../vocabulary.js" {
  interface KeyTypes {
    kit: true;
  }
}

/** What the SaaS kind declares to the registry (core/kinds/kind.ts, `Kind.vocabulary`). */
export const SAAS_VOCABULARY = {
  keyTypes: { kit: "Key of the joint-operation sync interfaces." },
  activities: [...SAAS_ACTIVITIES, ...SAAS_V1_ACTIVITIES, ...JOINT_SYNCS],
};
