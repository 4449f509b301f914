import { createHash } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { RESULT_CODES } from "../vocabulary.js";
import { CallError } from "../errors.js";
import { OperationStore, type OperationKey } from "../store/operations.js";
import { CLOCK, type Clock } from "../tokens.js";
import { failureOutcome, responseBody, type Outcome } from "./outcome.js";
import { ONCE_WAIT_MS } from "../settings/timings.js";

/**
 * How long a claim is held before a later resend may take it over (a crashed holder). The holder is
 * done within the product's budget (at most 4.5 s, then the outbox holds the work under its own
 * lease) plus one commit, so 10 s leaves room while a killed holder blocks its order only briefly.
 */
export const LEASE_MS = 10_000;
/**
 * How long a resend waits for a concurrent first delivery before answering `000005`: the answer
 * deadline less the time to answer (core/settings/timings.ts).
 */
export const WAIT_BUDGET_MS = ONCE_WAIT_MS;

/** The idempotency key columns (koogate_operations.idem_key, koogate_events.idem_key) are varchar(400). */
export const MAX_IDEM_KEY_LENGTH = 400;

/**
 * The idempotency key of an operation: the JSON array of its parts, or, when that would not fit the
 * column, `sha256:` and the hex digest of it (71 characters). Hashed rather than bounded in validation:
 * each part is a printable id of at most 64 characters, yet JSON writes `"` and `\` as two, so the
 * four parts of a refreshInstance key can reach 521 — refusing such a call would refuse ids the
 * marketplace may really send. Short keys stay readable and keep their value from before (stored
 * operations still match); a long one still names one operation alone, and fits on both databases
 * (PostgreSQL counts characters, never more than JavaScript's UTF-16 length).
 */
export function idempotencyKey(parts: readonly string[]): string {
  const key = JSON.stringify(parts);
  return key.length <= MAX_IDEM_KEY_LENGTH ? key : `sha256:${createHash("sha256").update(key, "utf8").digest("hex")}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs an operation once per idempotency key, however many deliveries arrive, in however many
 * processes: the first delivery's claim wins (OperationStore), later ones answer its stored bytes, and
 * concurrent ones wait for it. A failed run is not cached: its claim is dropped with the event.
 */
@injectable()
export class RunOnce {
  constructor(
    private readonly ops: OperationStore,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * @param instanceId the instance this delivery would use if it is the first
   * @param run does the work; returns an outcome whose `body` is final and whose `commit` makes it
   *   durable. `complete` of the claim is added to that commit here.
   */
  async run(key: OperationKey, instanceId: string, run: (instanceId: string) => Promise<Outcome>): Promise<Outcome> {
    const waitUntil = performance.now() + WAIT_BUDGET_MS;
    let claim = await this.ops.claim(key, instanceId, this.clock.now(), LEASE_MS);
    let delay = 10;
    while (claim.kind === "busy" || claim.kind === "gone") {
      if (claim.kind === "gone") {
        return { ...failureOutcome(new CallError(RESULT_CODES.internalError, "the first delivery of this request failed; resend it"), "failed"), idemKey: key.idemKey };
      }
      if (performance.now() + delay > waitUntil) {
        return {
          ...failureOutcome(new CallError(RESULT_CODES.internalError, "the first delivery of this request is still being processed; resend it later"), "failed"),
          instanceId: claim.instanceId,
          idemKey: key.idemKey,
        };
      }
      await sleep(delay);
      delay = Math.min(delay * 2, 200);
      claim = await this.ops.inspect(key, this.clock.now(), LEASE_MS);
    }
    if (claim.kind === "done") {
      return { resultCode: RESULT_CODES.success, body: claim.response, verdict: "resent", instanceId: claim.instanceId, idemKey: key.idemKey };
    }
    const { owner } = claim;
    let outcome: Outcome;
    try {
      outcome = await run(claim.instanceId);
    } catch (err) {
      outcome = failureOutcome(err, "failed");
    }
    if (outcome.resultCode === RESULT_CODES.success) {
      const body = responseBody(outcome);
      return {
        ...outcome,
        body,
        idemKey: key.idemKey,
        // stored with the call's state change and event; fails the call if a later delivery took the claim
        completes: [{ key, owner, response: body, instanceId: claim.instanceId, nowMs: this.clock.now() }],
        onCommitFailure: () => this.ops.abandon(key, owner, this.ops.database),
      };
    }
    // not cached: the next resend tries again
    return { ...outcome, idemKey: key.idemKey, commit: (trx) => this.ops.abandon(key, owner, trx) };
  }
}
