/**
 * Claims of the server's daily tasks (table `koogate_daily_runs`): with several processes on one
 * database, the one whose insert adds the day's row runs the task, the others leave it (issue 20,
 * "several processes seen as one": a reconciliation asks the marketplace once per order, not N times).
 */
import type { Knex } from "knex";

export const DAILY_RUNS_TABLE = "koogate_daily_runs";

/** Claims `task` for the UTC day of `nowMs`; true for the one caller that got it. */
export async function claimDailyRun(db: Knex, task: string, nowMs: number): Promise<boolean> {
  const day = new Date(nowMs).toISOString().slice(0, 10);
  const added: unknown[] = await db(DAILY_RUNS_TABLE).insert({ task, day, claimed_at: nowMs }).onConflict(["task", "day"]).ignore().returning("task");
  return added.length === 1;
}
