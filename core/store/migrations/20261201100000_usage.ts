import type { Knex } from "knex";

/**
 * Pay-per-use usage records (docs/marketplace/api-image-openapi.md §4, docs/marketplace/saas.md §8.1). `metering_sn` is
 * derived from product, instance and window and unique: one window is stored, and counted, once. A
 * record is sent with exactly the stored fields every time, so a resend is the same record.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_usage", (t) => {
    t.bigIncrements("id");
    t.string("product_id", 64).notNullable();
    t.string("instance_id", 64).notNullable();
    t.string("metering_sn", 64).notNullable().unique();
    t.bigInteger("begin_at").notNullable();
    t.bigInteger("end_at").notNullable();
    /** `yyyyMMdd'T'HHmmss'Z'` as sent */
    t.string("record_time", 16).notNullable();
    /** the value as sent, in decimal text (at most 4 decimals) */
    t.string("usage_value", 24).notNullable();
    t.string("relate_pkg_instance", 64).nullable();
    /** pull (the adapter's usage hook) | adapter | api | cli */
    t.string("source", 16).notNullable();
    /** pending | pushed | rejected */
    t.string("state", 16).notNullable();
    t.integer("push_attempts").notNullable().defaultTo(0);
    t.string("error_code", 32).nullable();
    t.string("error_msg", 255).nullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("pushed_at").nullable();
    t.index(["state", "product_id", "id"]);
    t.index(["product_id", "instance_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_usage");
}
