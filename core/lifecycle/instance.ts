/**
 * The lifecycle table (./table.ts) applied to a stored instance row: the two states only an instance
 * has (its first work still running, or given up) read as a lifecycle state, and the state change a
 * step commits.
 */
import type { InstanceState } from "../vocabulary.js";
import { transition, type LifecycleEvent, type LifecycleProtocol, type LifecycleState, type Step } from "./table.js";

/**
 * An instance's lifecycle state. `provisioning` and `failed` read as `active`: the adapter may hold
 * (part of) the instance, so a freeze or a release of it is passed on (a failed one is only reached by a
 * release: every other call answers 000003 for it).
 */
export function lifecycleStateOf(state: InstanceState): LifecycleState {
  return state === "provisioning" || state === "failed" ? "active" : state;
}

/** The step for `event` on an instance stored in `state`. */
export function instanceStep(protocol: LifecycleProtocol, state: InstanceState, event: LifecycleEvent): Step {
  return transition(protocol, lifecycleStateOf(state), event);
}

/**
 * The state to store after `step`, or undefined when the stored one stands (no change, or the instance
 * is still provisioning and the step keeps it usable: its first work settles that).
 */
export function stateToStore(stored: InstanceState, step: Exclude<Step, "gone">): InstanceState | undefined {
  if (step.to === lifecycleStateOf(stored)) return undefined;
  return step.to;
}
