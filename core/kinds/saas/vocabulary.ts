/** The closed vocabularies of SaaS listings, in the marketplace's own words (docs/marketplace/saas.md). */

/** Wire protocol of a SaaS listing: 2.0 POST JSON (current) or 1.0 GET (legacy, docs/marketplace/saas.md §9). */
export const SAAS_PROTOCOLS = ["v2", "v1"] as const;
export type SaasProtocol = (typeof SAAS_PROTOCOLS)[number];

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

declare module "../../vocabulary.js" {
  interface KeyTypes {
    kit: true;
  }
}

/** What the SaaS kind declares to the registry (core/kinds/kind.ts, `Kind.vocabulary`). */
export const SAAS_VOCABULARY = {
  keyTypes: { kit: "Key of the joint-operation sync interfaces." },
  // its 2.0 instance activities are the core's (core/instances/, CORE_ACTIVITIES)
  activities: [...SAAS_V1_ACTIVITIES, ...JOINT_SYNCS],
};
