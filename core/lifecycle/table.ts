/**
 * The one lifecycle of whatever a buyer holds — a SaaS instance, an online or 1.0 licence instance, an
 * authorization code — and its transitions on every activity of every protocol version, as ONE table
 * (docs/marketplace/lifecycle.md prints the same table). SaaS and License read it alike; no kind
 * decides a state on its own.
 *
 * What the table promises:
 * - the adapter hears every transition that changes what the buyer may use, in the order the calls
 *   arrive (`adapter: true`); a call that changes nothing is answered 000000 without it;
 * - 1.0 has no unfreeze call (docs/marketplace/saas.md §9, docs/marketplace/license.md §4): a renewal
 *   of an expired or frozen 1.0 instance is what makes it usable again (`resumes`), so a later expiry
 *   freezes it again;
 * - 2.0 sends UNFREEZE itself: a renewal there moves the term and leaves the state as it is;
 * - a released instance is gone: only a release resent is answered (without the adapter).
 */

/** What the buyer may do: use it (active), not now (frozen by the marketplace, expired at the end of its term), never again (released). */
export const LIFECYCLE_STATES = ["active", "frozen", "expired", "released"] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

/** What a call asks, whatever its wire name (the mapping per interface is in `EVENT_OF`). */
export const LIFECYCLE_EVENTS = ["renew", "expire", "freeze", "unfreeze", "release", "upgrade"] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** Which protocol version's rules apply: 2.0 (SaaS 2.0, online License, authorization codes) or 1.0 (SaaS 1.0, License 1.0). */
export const LIFECYCLE_PROTOCOLS = ["v2", "v1"] as const;
export type LifecycleProtocol = (typeof LIFECYCLE_PROTOCOLS)[number];

/**
 * One cell: the state after the call, whether the adapter is told, and whether this is a renewal that
 * makes the instance usable again (the adapter's renewal request then says so: `resumes: true`).
 * `gone`: the instance is released; the call is answered as for an unknown instance (000003; an
 * authorization code, recorded on first contact, answers 000000 and changes nothing).
 */
export type Step = { to: LifecycleState; adapter: boolean; resumes?: true } | "gone";

const go = (to: LifecycleState, resumes?: true): Step => (resumes ? { to, adapter: true, resumes } : { to, adapter: true });
const stay = (to: LifecycleState): Step => ({ to, adapter: false });

type Row = Readonly<Record<LifecycleState, Step | "n/a">>;

/**
 * THE table: protocol → event → current state → step. "n/a": the protocol never sends that event
 * (2.0 has no expiry call of its own: an expiry is a FREEZE; an instance is never `expired` there).
 */
export const TRANSITIONS: Readonly<Record<LifecycleProtocol, Readonly<Record<LifecycleEvent, Row>>>> = {
  v2: {
    renew: { active: go("active"), frozen: go("frozen"), expired: "n/a", released: "gone" },
    expire: { active: "n/a", frozen: "n/a", expired: "n/a", released: "n/a" },
    freeze: { active: go("frozen"), frozen: stay("frozen"), expired: "n/a", released: "gone" },
    unfreeze: { active: stay("active"), frozen: go("active"), expired: "n/a", released: "gone" },
    release: { active: go("released"), frozen: go("released"), expired: "n/a", released: stay("released") },
    upgrade: { active: go("active"), frozen: go("frozen"), expired: "n/a", released: "gone" },
  },
  v1: {
    renew: { active: go("active"), frozen: go("active", true), expired: go("active", true), released: "gone" },
    expire: { active: go("expired"), frozen: stay("expired"), expired: stay("expired"), released: "gone" },
    freeze: { active: go("frozen"), frozen: stay("frozen"), expired: stay("expired"), released: "gone" },
    unfreeze: { active: stay("active"), frozen: go("active"), expired: go("active"), released: "gone" },
    release: { active: go("released"), frozen: go("released"), expired: go("released"), released: stay("released") },
    upgrade: { active: go("active"), frozen: go("frozen"), expired: go("expired"), released: "gone" },
  },
};

/**
 * The step for `event` on an instance in `from`. A state the protocol never produces (an `expired`
 * row moved to a 2.0 listing) is read as `frozen`, its nearest 2.0 state: unusable until told otherwise.
 */
export function transition(protocol: LifecycleProtocol, from: LifecycleState, event: LifecycleEvent): Step {
  const row = TRANSITIONS[protocol][event];
  const cell = row[from] === "n/a" && from === "expired" ? row.frozen : row[from];
  if (cell === "n/a") throw new Error(`protocol ${protocol} sends no ${event}`);
  return cell;
}

/** Whether the buyer may use it in `state`. */
export function usable(state: LifecycleState): boolean {
  return state === "active";
}
