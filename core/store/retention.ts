/**
 * Retention (`KOOGATE_RETENTION_DAYS`, default 90): events, finished outbox jobs (done or failed) and
 * done operations older than that are deleted, in bounded batches, from the kernel's timer — never on
 * the request path. Nonces are purged on their own as their window passes (core/store/nonces.ts).
 * Finished jobs go too because a 1.0 newInstance's job holds the buyer's contact details (sealed, but
 * personal data is kept no longer than it is needed).
 */
import { inject, injectable } from "tsyringe";
import { CONFIG, DATABASE, type Config, type Knex } from "../tokens.js";
import { EVENTS_TABLE } from "./events.js";
import { JOBS_TABLE } from "./jobs.js";

const DAY_MS = 86_400_000;

/**
 * Done operations hold the exact answer a resend of their request gets (core/serving/once.ts); without
 * it a resend of a newInstance would provision again. How long KooGallery may resend is UNCONFIRMED
 * for 2.0; the longest documented schedule is 1.0's newInstance, 60 tries every 3 minutes (about 3 h,
 * docs/marketplace/saas.md §4.1), and a seller may restart a failed delivery by hand later still
 * (docs/marketplace/saas.md §4.5, "Restart Debugging"). So a done operation is kept for at least 30 days, whatever
 * `KOOGATE_RETENTION_DAYS` says: ten times any documented schedule, and far past a manual restart.
 */
export const OPERATION_MIN_RETENTION_DAYS = 30;

/** Rows deleted by one statement: short enough that a concurrent call's statement never waits long for it. */
export const RETENTION_BATCH = 500;
/** Statements per table per run, so that one run is bounded too; the next run goes on where it stopped. */
export const RETENTION_MAX_BATCHES = 20;

/** How many rows one run deleted, per table. */
export interface Purged {
  events: number;
  jobs: number;
  operations: number;
}

@injectable()
export class Retention {
  private readonly days: number;

  constructor(
    @inject(DATABASE) private readonly db: Knex,
    @inject(CONFIG) config: Config,
  ) {
    this.days = config.retentionDays;
  }

  /** Deletes what is older than the retention period at `nowMs`, in batches; resolves with the counts. */
  async purge(nowMs: number): Promise<Purged> {
    const cutoff = nowMs - this.days * DAY_MS;
    const opCutoff = nowMs - Math.max(this.days, OPERATION_MIN_RETENTION_DAYS) * DAY_MS;
    return {
      // Events are appended in time order, so the oldest are the lowest ids: each batch looks at the
      // first ids of the primary key only, and no index on `at` taxes every call's insert.
      events: await this.batches(() =>
        this.db(EVENTS_TABLE)
          .whereIn("id", this.db.select("id").from(this.db(EVENTS_TABLE).select("id", "at").orderBy("id").limit(RETENTION_BATCH).as("oldest")).where("at", "<", cutoff))
          .delete(),
      ),
      jobs: await this.batches(() =>
        this.db(JOBS_TABLE)
          .whereIn("id", this.db(JOBS_TABLE).select("id").whereIn("state", ["done", "failed"]).andWhere("updated_at", "<", cutoff).limit(RETENTION_BATCH))
          .delete(),
      ),
      operations: await this.batches(() => {
        const keys = ["product_id", "activity", "idem_key"];
        const old = this.db(OPERATIONS_TABLE).select(keys).where("state", "done").andWhere("updated_at", "<", opCutoff).limit(RETENTION_BATCH);
        return this.db(OPERATIONS_TABLE).whereIn(keys, old).delete();
      }),
    };
  }

  /** Runs `one` until it deletes less than a batch, or `RETENTION_MAX_BATCHES` times. */
  private async batches(one: () => Promise<number>): Promise<number> {
    let total = 0;
    for (let i = 0; i < RETENTION_MAX_BATCHES; i++) {
      const n = await one();
      total += n;
      if (n < RETENTION_BATCH) break;
    }
    return total;
  }
}

const OPERATIONS_TABLE = "koogate_operations";
