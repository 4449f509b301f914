/**
 * What the call pipeline tells the operations side about each answered call: one observation per
 * call, of what was sent on the wire (the 000005 of the deadline, not the late work's outcome), and one
 * refusal per signature that did not verify. The metrics listen (the delisting-risk alarm reads the
 * event log instead, so that it sees every process's calls).
 */
import type { CallObservation } from "./metrics.js";

/** One answered call. */
export interface ObservedCall extends CallObservation {
  /** the signature verified: the call came from the marketplace, not from anyone on the internet */
  signed: boolean;
}

export interface CallObserver {
  observeCall(c: ObservedCall): void;
  /** a call refused before any work because its signature, timestamp or nonce did not hold */
  refused(product: string, reason: string): void;
}

/** Hears nothing: the default when no observer is registered (a kind tested on its own). */
export const NO_OBSERVER: CallObserver = { observeCall: () => {}, refused: () => {} };
