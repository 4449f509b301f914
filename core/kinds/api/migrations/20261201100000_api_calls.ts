import type { Knex } from "knex";

/**
 * The per-buyer call log of API listings (./call-log.ts): one row per call that reached a known API
 * product, kept for the listing's retention and cut to its most rows. No body, no query, no buyer name:
 * the account ID and the gateway's request id say who and which; the rest is figures.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_api_calls", (t) => {
    t.increments("id").primary();
    t.bigInteger("at").notNullable();
    t.string("product_id", 64).notNullable();
    t.string("buyer_id", 64).nullable();
    t.string("request_id", 64).nullable();
    t.string("method", 16).notNullable();
    t.integer("status").notNullable();
    t.string("outcome", 16).notNullable();
    t.integer("duration_ms").notNullable();
    t.bigInteger("bytes_in").notNullable();
    t.bigInteger("bytes_out").notNullable();
    /** why, in koogate's fixed words: a refusal reason, "usage missing", … */
    t.string("note", 100).nullable();
    t.index(["product_id", "at"]);
    t.index(["at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_api_calls");
}
