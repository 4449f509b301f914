/**
 * What a kind registers with the outbox for each job type it enqueues: how to run the job from its
 * stored payload, what success and giving up commit, and the retry policy.
 */
import type { Knex } from "knex";
import type { Logger } from "../logger.js";
import { isPermanent, type MarketplaceFailure } from "../marketplace/answers.js";
import type { ProductBase } from "../products/definition.js";
import type { Job } from "../store/jobs.js";
import type { Served } from "../kinds/kind.js";

/**
 * Thrown by a job's attempt when trying again cannot help (a marketplace answer too large to read, a
 * value that cannot be stored): the job is parked as failed at once, for an operator to look at and
 * "retry now", instead of being retried for hours with the same outcome each time.
 */
export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

/** The error a job's attempt throws for a failed marketplace call: permanent when asking again cannot help. */
export function failedCall(what: string, r: MarketplaceFailure): Error {
  const message = `${what} answered ${r.family} ${r.code} (${r.kind}): ${r.message}`;
  return isPermanent(r) ? new PermanentJobError(message) : new Error(message);
}

/** How a job is retried. */
export interface RetryPolicy {
  /** attempts (the first included) before the job is marked failed */
  maxAttempts: number;
  /** backoff of the first retry; doubled per attempt, at most 5 minutes */
  retryBaseMs: number;
  /** an attempt still running after this counts as failed */
  attemptTimeoutMs: number;
  /**
   * how long an attempt holds one of the process's adapter slots at most (core/outbox/admission.ts);
   * default `DEFAULT_SLOT_HOLD_MS` (3000). Work still running past it waits on something else than this
   * process (a slow backend), so it no longer keeps other work from running.
   */
  budgetMs?: number;
}

export interface JobHandler<P extends ProductBase = ProductBase, A = unknown> {
  /** the retry policy for this product's jobs of this type */
  policy(served: Served<P, A>): RetryPolicy;
  /** runs one attempt from the stored payload; throws to fail it */
  run(served: Served<P, A>, job: Job, logger: Logger): Promise<unknown>;
  /** what a successful attempt commits, in the transaction that finishes the job */
  succeeded?(served: Served<P, A>, job: Job, result: unknown, nowMs: number, trx: Knex.Transaction): Promise<void>;
  /** what giving up commits, in the transaction that marks the job failed */
  gaveUp?(served: Served<P, A>, job: Job, nowMs: number, trx: Knex.Transaction): Promise<void>;
}
