/**
 * The timings that depend on one another, derived here from the one they depend on, so that changing
 * one moves the others with it. Everything starts from KooGallery's patience: it gives up on a call
 * after 5 s and resends a failed one (docs/marketplace/saas.md §1, §4.1).
 */

/** How long KooGallery waits for an answer (docs/marketplace/saas.md §1). */
export const MARKETPLACE_CALL_TIMEOUT_MS = 5000;

/** Time kept for an answer to be written and to travel back. */
const ANSWER_MARGIN_MS = 500;

/**
 * Every call is answered within this, whatever is stuck below (4500 ms): the marketplace's 5 s less
 * the time the answer takes to reach it. The late work still finishes and stores its outcome.
 */
export const ANSWER_DEADLINE_MS = MARKETPLACE_CALL_TIMEOUT_MS - ANSWER_MARGIN_MS;

/**
 * How long a resend waits for a concurrent first delivery before answering `000005` (4000 ms): the
 * answer deadline less the margin, so its own answer still goes out before the deadline.
 */
export const ONCE_WAIT_MS = ANSWER_DEADLINE_MS - ANSWER_MARGIN_MS;

/** Time kept around an adapter call for the statements before it (the claim) and after it (the outcome). */
const STATEMENTS_MARGIN_MS = 1500;

/**
 * How long a first attempt gives the merchant's adapter before the work moves to the outbox (3000 ms,
 * a definition's `provisioning.budgetMs` default), and how long an outbox attempt holds an adapter slot
 * unless its policy says: the answer deadline less the statements around the call.
 */
export const ADAPTER_BUDGET_MS = ANSWER_DEADLINE_MS - STATEMENTS_MARGIN_MS;

/**
 * The most a call may wait for a free adapter slot (`KOOGATE_ADAPTER_WAIT_MS`'s maximum, 4000 ms):
 * past the once-wait a resend would already have been answered `000005`.
 */
export const MAX_ADAPTER_WAIT_MS = ONCE_WAIT_MS;

/**
 * How long koogate waits for PostgreSQL to answer one statement before giving the connection up (3000
 * ms): as long as an adapter is given, so a call that lost its database is still answered in time.
 */
export const QUERY_TIMEOUT_MS = ADAPTER_BUDGET_MS;

/**
 * How long the database itself lets one statement run (PostgreSQL's statement_timeout) or wait for a
 * lock (SQLite's busy_timeout), 5000 ms: past the marketplace's timeout nobody waits for its result.
 */
export const STATEMENT_TIMEOUT_MS = MARKETPLACE_CALL_TIMEOUT_MS;

/**
 * An instance still provisioning after this long is overdue: the default of
 * `KOOGATE_PROVISIONING_DEADLINE_MINUTES`, used by the alarm and the reconciliation alike.
 */
export const PROVISIONING_DEADLINE_MINUTES = 60;
export const PROVISIONING_DEADLINE_MS = PROVISIONING_DEADLINE_MINUTES * 60_000;
