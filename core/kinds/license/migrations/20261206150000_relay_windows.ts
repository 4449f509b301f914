import type { Knex } from "knex";

/**
 * The licence relay's shared counters (issue 20 item 4, issue 24 findings 2–4).
 *
 * `koogate_relay_windows`: one row per (scope, product, subject, window): the relay's rate limits per
 * client address and per code, its budget of codes it has not seen, the codes the marketplace said do
 * not exist, and the distinct clients counted per code and day. Every process of one database counts
 * in the same row (an atomic upsert), so N processes allow what one does; a row goes once `expires_at`
 * has passed, so the table holds only the windows still open.
 *
 * `koogate_license_codes.purchase_order_id` and `.sku_code`: the order a code was bought with (the
 * activation answer's `order_id`) and the SKU the relay read from that order (the product is
 * `marketplace_product_id`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_relay_windows", (t) => {
    /** address | code | unknown | miss | clients */
    t.string("scope", 16).notNullable();
    t.string("product_id", 64).notNullable();
    /** a client address, a code's digest, or "" for the listing itself; at most 64 characters (longer ones are hashed) */
    t.string("subject", 64).notNullable();
    t.bigInteger("window_start").notNullable();
    t.integer("hits").notNullable();
    t.bigInteger("expires_at").notNullable();
    t.primary(["scope", "product_id", "subject", "window_start"]);
    t.index(["expires_at"]);
  });
  await knex.schema.alterTable("koogate_license_codes", (t) => {
    t.string("purchase_order_id", 64).nullable();
    t.string("sku_code", 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("koogate_license_codes", (t) => {
    t.dropColumn("sku_code");
    t.dropColumn("purchase_order_id");
  });
  await knex.schema.dropTableIfExists("koogate_relay_windows");
}
