import type { Knex } from "knex";

/**
 * The per-buyer limit's counters (../rate-limit.ts): one row per listing and buyer, the calls counted in
 * its current window. Kept in the database so that every koogate process on it counts the same calls.
 * `buyer` is a signed X-Customer-Id or "" (every unknown buyer); rows idle past their window are purged.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_api_limits", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("buyer", 64).notNullable();
    /** ms since the epoch: the start of the window `count` belongs to */
    t.bigInteger("window_start").notNullable();
    t.integer("count").notNullable();
    t.primary(["product_id", "buyer"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_api_limits");
}
