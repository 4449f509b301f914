import type { Knex } from "knex";

/**
 * The delisting-risk alarm's raised conditions (core/ops/alarm.ts), one row per product and condition:
 * the process that inserts the row posts the alert, so N processes on one database post it once, and
 * every operator page lists the same raised alarms.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_alarms", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("condition", 32).notNullable();
    t.double("figure").notNullable();
    t.double("threshold").notNullable();
    t.string("text", 500).notNullable();
    t.string("look", 255).notNullable();
    t.bigInteger("raised_at").notNullable();
    t.primary(["product_id", "condition"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_alarms");
}
