import type { Knex } from "knex";

/** koogate's own tables. All times are milliseconds since the epoch (BIGINT), portable across databases. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_instances", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("instance_id", 64).notNullable();
    t.string("order_id", 64).notNullable();
    t.string("order_line_id", 64).notNullable();
    t.string("business_id", 64).notNullable();
    /** provisioning | active | frozen | released */
    t.string("state", 16).notNullable();
    t.bigInteger("expire_at").nullable();
    /** the marketplace productId, when a refresh changed it */
    t.string("marketplace_product_id", 64).nullable();
    t.boolean("test").notNullable().defaultTo(false);
    /** the adapter's appInfo, sealed (core/crypto/at-rest.ts): never stored in clear */
    t.text("app_info_sealed").nullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.primary(["product_id", "instance_id"]);
    // One instance per order line, whatever happens above (docs/marketplace/saas.md §4.1).
    t.unique(["product_id", "order_id", "order_line_id"]);
  });

  // Idempotency records: one row per (product, activity, key). Its primary key is what makes a
  // concurrent resend, in this process or another, lose the race instead of calling the adapter.
  await knex.schema.createTable("koogate_operations", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("activity", 32).notNullable();
    t.string("idem_key", 400).notNullable();
    /** pending | done */
    t.string("state", 16).notNullable();
    t.string("instance_id", 64).notNullable();
    /** the exact response bytes of the first successful delivery */
    t.text("response").nullable();
    /** who holds the pending claim, and until when (a crashed holder's claim can be taken over) */
    t.string("owner", 32).notNullable();
    t.bigInteger("lease_until").notNullable();
    t.integer("attempts").notNullable().defaultTo(1);
    t.bigInteger("created_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.primary(["product_id", "activity", "idem_key"]);
  });

  await knex.schema.createTable("koogate_nonces", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("nonce", 128).notNullable();
    t.bigInteger("expires_at").notNullable();
    t.primary(["product_id", "nonce"]);
    t.index(["expires_at"]);
  });

  await knex.schema.createTable("koogate_events", (t) => {
    t.bigIncrements("id");
    t.bigInteger("at").notNullable();
    t.string("product_id", 64).notNullable();
    t.string("activity", 32).notNullable();
    t.string("instance_id", 64).nullable();
    t.string("idem_key", 400).nullable();
    /** processed | resent | rejected | failed */
    t.string("verdict", 16).notNullable();
    t.string("result_code", 6).notNullable();
    /** the response bytes sent (credentials redacted) */
    t.text("response").notNullable();
    t.integer("duration_ms").notNullable();
    t.boolean("test").notNullable().defaultTo(false);
    /** why, for the operator: never a key, signature or credential */
    t.string("detail", 500).nullable();
    t.index(["product_id", "at"]);
    t.index(["instance_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ["koogate_events", "koogate_nonces", "koogate_operations", "koogate_instances"]) {
    await knex.schema.dropTableIfExists(t);
  }
}
