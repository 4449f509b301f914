/**
 * The contract between koogate and a merchant's SaaS backend: the instance activities (core/instances/
 * adapter.ts, shared with the online License listing). A merchant implements `SaasAdapter` in a class,
 * exports it from a module its koogate config lists, and names it in a product definition.
 */
import type { InstanceAdapter } from "../../instances/adapter.js";

export type * from "../../instances/adapter.js";

/**
 * A merchant's SaaS backend: every instance activity, `changeInstanceCheck` optional. The joint-operation
 * sync hooks (./sync/hooks.ts) are further optional methods of the same class.
 */
export interface SaasAdapter extends InstanceAdapter {}
