import type { Knex } from "knex";

/**
 * The License kind's tables (docs/marketplace/license.md §2–§4).
 *
 * `koogate_license_codes`: the authorization codes koogate has seen, from a signed marketplace call or
 * a relay call the marketplace confirmed. A code is a bearer credential (the relay serves whoever holds
 * it), so the table keeps its SHA-256 digest and a four-character hint, never the code.
 *
 * `koogate_issued_licenses`: licences an adapter issued, one per request key — (eventId, device
 * fingerprint) online, the instance on a 1.0 listing — sealed with the product's basic key.
 *
 * `koogate_license_usage`: the relay's usage reports of a UTC day, one row per (code, client), code and
 * client id sealed (both identify a customer), sent once with the software-usage API.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_license_codes", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("code_digest", 64).notNullable();
    t.string("code_hint", 8).notNullable();
    /** active | frozen | released: what the production interface was told */
    t.string("status", 16).notNullable();
    /** ALIVE | EXPIRED | RELEASED: what the marketplace last answered the relay */
    t.string("marketplace_status", 16).nullable();
    /** the newest order applied, and its rank (see code/order-rank.ts) */
    t.string("order_id", 64).nullable();
    t.string("order_line_id", 64).nullable();
    t.bigInteger("order_rank").nullable();
    t.string("marketplace_product_id", 64).nullable();
    t.bigInteger("expire_at").nullable();
    t.bigInteger("activated_at").nullable();
    /** UTC yyyymmdd of the last marketplace query: a check is answered from the row on that day */
    t.string("checked_on", 8).nullable();
    t.bigInteger("last_query_at").nullable();
    t.boolean("test").notNullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.primary(["product_id", "code_digest"]);
  });

  await knex.schema.createTable("koogate_issued_licenses", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("request_key", 64).notNullable();
    t.string("instance_id", 64).notNullable();
    t.string("event_id", 64).nullable();
    /** issuing | issued | uploaded | failed */
    t.string("state", 16).notNullable();
    t.text("license_sealed").nullable();
    t.string("file_name", 255).nullable();
    t.boolean("test").notNullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.bigInteger("uploaded_at").nullable();
    t.primary(["product_id", "request_key"]);
    t.index(["product_id", "instance_id"]);
  });

  await knex.schema.createTable("koogate_license_usage", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("day", 8).notNullable();
    t.string("code_digest", 64).notNullable();
    /** the digest of the client id, or "#active" for an activeNum report */
    t.string("client_digest", 64).notNullable();
    t.text("code_sealed").notNullable();
    t.text("client_sealed").nullable();
    t.integer("active_num").nullable();
    t.boolean("sent").notNullable();
    t.bigInteger("created_at").notNullable();
    t.primary(["product_id", "day", "code_digest", "client_digest"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_license_usage");
  await knex.schema.dropTableIfExists("koogate_issued_licenses");
  await knex.schema.dropTableIfExists("koogate_license_codes");
}
