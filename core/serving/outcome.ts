import type { Knex } from "knex";
import type { Started } from "../outbox/outbox.js";
import type { Completion } from "../store/operations.js";
import { CallError, defaultMessage, describeError } from "../errors.js";
import { RESULT_CODES, type ResultCode, type Verdict } from "../vocabulary.js";

/** What serving one call decided: the answer, how to log it, and the state change to commit with it. */
export interface Outcome {
  resultCode: ResultCode;
  /** the exact response text; built from `resultCode`, `resultMsg` and `fields` when absent */
  body?: string;
  resultMsg?: string;
  /** fields after resultCode/resultMsg, in order */
  fields?: Record<string, unknown>;
  verdict: Verdict;
  instanceId?: string;
  idemKey?: string;
  /** for the log and the event's detail: why (never a secret) */
  detail?: string;
  /** the response as stored in the event log, when it must differ from the body (credentials) */
  loggedBody?: string;
  /** state changes committed in the same transaction as the event */
  commit?: (trx: Knex.Transaction) => Promise<void>;
  /** plain inserts committed with it (merged with concurrent calls' inserts into one statement) */
  inserts?: ReadonlyArray<{ table: string; row: Record<string, unknown> }>;
  /** idempotency claims completed with it (core/store/group-commit.ts) */
  completes?: readonly Completion[];
  /** run once the commit succeeded (lets background work settle what was committed) */
  afterCommit?: () => void;
  /** run when the commit failed, before answering 000005 */
  onCommitFailure?: () => Promise<void>;
}

/** The response text of an outcome: `{"resultCode":…,"resultMsg":…,…fields}`, serialised once. */
export function responseBody(o: Outcome): string {
  if (o.body !== undefined) return o.body;
  return JSON.stringify({ resultCode: o.resultCode, resultMsg: o.resultMsg ?? defaultMessage(o.resultCode), ...o.fields });
}

/**
 * What an adapter threw, wrapped where the adapter is called: the call then failed (its verdict is
 * `failed`), whichever path it took and whatever code the adapter chose (a CallError keeps its code).
 */
export class AdapterFailure extends Error {
  override name = "AdapterFailure";
  constructor(readonly thrown: unknown) {
    super(describeError(thrown));
  }
}

/** An outcome for a thrown value: a CallError keeps its code; anything else is `000005`. */
export function failureOutcome(err: unknown, verdict: Verdict): Outcome {
  if (err instanceof AdapterFailure) return failureOutcome(err.thrown, "failed");
  if (err instanceof CallError) {
    return { resultCode: err.resultCode, resultMsg: err.message.slice(0, 255), verdict, detail: err.detail ?? err.message };
  }
  return { resultCode: RESULT_CODES.internalError, verdict: "failed", detail: describeError(err) };
}

export function success(fields?: Record<string, unknown>, extra: Partial<Outcome> = {}): Outcome {
  return { resultCode: "000000", verdict: "processed", fields, ...extra };
}

/** The event's detail for an answer given before the adapter work finished (core/outbox/outbox.ts `Started`). */
export function deferredDetail(started: Extract<Started<unknown>, { finished: false }>): string {
  switch (started.deferred) {
    case "busy":
      return "every adapter slot was busy: answered at once, the adapter work is queued in the outbox";
    case "behind":
      return "earlier adapter work of this instance is still queued: answered at once, this work is queued behind it";
    case "failed":
      return `the adapter failed (${started.error ?? "?"}) on a call the marketplace makes once: answered 000000, the work is queued in the outbox for a retry`;
    default:
      return "answered within the budget; the adapter work goes on from the outbox";
  }
}
