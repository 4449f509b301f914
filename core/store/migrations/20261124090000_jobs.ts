import type { Knex } from "knex";

/**
 * The durable outbox: adapter work that was answered to the marketplace before it finished (the
 * 5-second deadline, docs/marketplace/saas.md §1) and goes on from here, in whichever process holds the lease.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_jobs", (t) => {
    t.bigIncrements("id");
    t.string("product_id", 64).notNullable();
    t.string("activity", 32).notNullable();
    t.string("instance_id", 64).notNullable();
    /** the adapter request, as JSON */
    t.text("payload").notNullable();
    t.boolean("test").notNullable().defaultTo(false);
    /** pending (to run or running) | done | failed (gave up after max attempts) */
    t.string("state", 16).notNullable();
    t.integer("attempts").notNullable();
    t.bigInteger("next_attempt_at").notNullable();
    t.string("owner", 32).nullable();
    t.bigInteger("lease_until").notNullable();
    t.string("last_error", 500).nullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.index(["state", "next_attempt_at"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_jobs");
}
