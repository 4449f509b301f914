import type { Knex } from "knex";

/**
 * Joint-operation sync state (docs/marketplace/saas.md §5). Every row keeps `sync_at`: the marketplace time
 * (`currentSyncTime`, else `timeStamp`, in ms) of the delivery it was last written from, so that a
 * delivery older than the row changes nothing (conditional upserts). Deletes are tombstones
 * (`deleted`/`state`), so an add that arrives after a newer delete stays deleted.
 * Everything is keyed by instance and tenant: the spec's idempotency keys (instance + tenant + app +
 * userName, instance + tenant + orgCode) start with them. `instance_id` is "" for the seller's own
 * credential application (docs/marketplace/saas.md §5 tenantSync).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_tenants", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("instance_id", 64).notNullable();
    t.string("tenant_id", 64).notNullable();
    t.string("order_id", 64).notNullable();
    t.string("tenant_code", 64).notNullable();
    t.string("name", 255).notNullable();
    t.string("domain_name", 255).notNullable();
    t.boolean("deleted").notNullable();
    t.boolean("test").notNullable();
    t.bigInteger("sync_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.primary(["product_id", "instance_id", "tenant_id"]);
  });

  await knex.schema.createTable("koogate_applications", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("instance_id", 64).notNullable();
    t.string("tenant_id", 64).notNullable();
    t.string("app_id", 64).notNullable();
    t.string("client_id", 255).nullable();
    /** clientSecret after RSA decryption, sealed (core/crypto/at-rest.ts with the kit key): never in clear */
    t.text("client_secret_sealed").nullable();
    t.boolean("deleted").notNullable();
    t.boolean("test").notNullable();
    t.bigInteger("sync_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.primary(["product_id", "instance_id", "tenant_id", "app_id"]);
  });

  // A user's authorisation to one application (authSync).
  await knex.schema.createTable("koogate_app_users", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("instance_id", 64).notNullable();
    t.string("tenant_id", 64).notNullable();
    t.string("app_id", 64).notNullable();
    t.string("user_name", 255).notNullable();
    t.string("name", 255).nullable();
    t.string("position", 255).nullable();
    t.string("org_code", 64).nullable();
    /** user | admin */
    t.string("role", 16).nullable();
    t.boolean("enabled").notNullable();
    t.string("employee_code", 64).nullable();
    /** authorized | revoked | deleted */
    t.string("state", 16).notNullable();
    t.boolean("test").notNullable();
    t.bigInteger("sync_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.primary(["product_id", "instance_id", "tenant_id", "app_id", "user_name"]);
  });

  // Organisation units, stored flat with their parent (orgInfo is a flat list, docs/marketplace/saas.md §5).
  await knex.schema.createTable("koogate_org_units", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("instance_id", 64).notNullable();
    t.string("tenant_id", 64).notNullable();
    t.string("org_code", 64).notNullable();
    t.string("name", 255).nullable();
    t.string("parent_code", 64).nullable();
    t.boolean("deleted").notNullable();
    t.bigInteger("sync_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.primary(["product_id", "instance_id", "tenant_id", "org_code"]);
  });

  // One row per tenant tree: the time of the newest full sync applied. Both sync kinds write it first
  // in their transaction, so the row also serialises a full and a single change of one tree.
  await knex.schema.createTable("koogate_org_trees", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("instance_id", 64).notNullable();
    t.string("tenant_id", 64).notNullable();
    t.bigInteger("full_sync_at").notNullable();
    t.bigInteger("updated_at").notNullable();
    t.primary(["product_id", "instance_id", "tenant_id"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ["koogate_org_trees", "koogate_org_units", "koogate_app_users", "koogate_applications", "koogate_tenants"]) {
    await knex.schema.dropTableIfExists(t);
  }
}
