import type { Knex } from "knex";

/**
 * What a purchase bought, stored with its instance (core/lifecycle/terms.ts): the quantities and period
 * of the 1.0 purchase and renewal calls as JSON (never a buyer's personal value), and whether it is a trial.
 * And an index for the outbox's per-instance order (core/store/jobs.ts `pendingFor`, `claimDue`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable("koogate_instances", (t) => {
    t.text("terms").nullable();
    t.boolean("trial").notNullable().defaultTo(false);
  });
  await knex.schema.alterTable("koogate_jobs", (t) => {
    t.index(["product_id", "instance_id", "state"], "koogate_jobs_instance_state");
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("koogate_jobs", (t) => {
    t.dropIndex(["product_id", "instance_id", "state"], "koogate_jobs_instance_state");
  });
  await knex.schema.alterTable("koogate_instances", (t) => {
    t.dropColumn("terms");
    t.dropColumn("trial");
  });
}
