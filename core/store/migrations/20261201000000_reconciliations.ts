import type { Knex } from "knex";

/** The reports of `koogate reconcile` and of the daily run, so the operator page shows the last one. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_reconciliations", (t) => {
    t.increments("id").primary();
    t.bigInteger("at").notNullable();
    t.integer("orders").notNullable();
    t.integer("mismatches").notNullable();
    // the whole report as JSON: order ids and states, never a buyer's personal value
    t.text("report").notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable("koogate_reconciliations");
}
