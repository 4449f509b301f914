import type { Knex } from "knex";

/**
 * Daily tasks run by the server (the reconciliation at KOOGATE_RECONCILE_AT): one row per task and UTC
 * day, inserted by the process that runs it, so several processes on one database run it once a day.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_daily_runs", (t) => {
    t.string("task", 32).notNullable();
    /** UTC yyyy-mm-dd */
    t.string("day", 10).notNullable();
    t.bigInteger("claimed_at").notNullable();
    t.primary(["task", "day"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_daily_runs");
}
