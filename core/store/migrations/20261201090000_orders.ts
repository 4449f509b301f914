import type { Knex } from "knex";

/**
 * Orders koogate fetched with query order after an order notification (docs/marketplace/api-image-openapi.md
 * §3, §5): one row per order and one per order line. The buyer and the lines' extra parameters are
 * personal data and rest sealed (core/crypto/at-rest.ts); amounts are kept as the text answered.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_orders", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("order_id", 64).notNullable();
    t.string("order_type", 32).nullable();
    /** `yyyyMMddHHmmss` as answered (its time zone is UNCONFIRMED, docs/marketplace/api-image-openapi.md §11.3) */
    t.string("create_time", 17).nullable();
    /** buyerInfo, sealed */
    t.text("buyer_sealed").nullable();
    t.boolean("test").notNullable().defaultTo(false);
    t.bigInteger("fetched_at").notNullable();
    t.primary(["product_id", "order_id"]);
  });
  await knex.schema.createTable("koogate_order_lines", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("order_line_id", 64).notNullable();
    t.string("order_id", 64).notNullable();
    t.string("charging_mode", 32).nullable();
    t.string("period_type", 32).nullable();
    t.integer("period_number").nullable();
    t.bigInteger("expire_at").nullable();
    /** the marketplace's productId and skuCode of the line's first product */
    t.string("marketplace_product_id", 64).nullable();
    t.string("sku_code", 64).nullable();
    t.double("linear_value").nullable();
    t.string("amount", 32).nullable();
    t.string("amount_after_discount", 32).nullable();
    /** extendParams, sealed (buyers type e-mail domains and addresses into them) */
    t.text("extend_params_sealed").nullable();
    /** when the adapter's orderNotified hook returned for this line; null until then */
    t.bigInteger("notified_at").nullable();
    t.primary(["product_id", "order_line_id"]);
    t.index(["product_id", "order_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_order_lines");
  await knex.schema.dropTableIfExists("koogate_orders");
}
