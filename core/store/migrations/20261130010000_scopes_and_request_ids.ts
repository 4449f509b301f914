import type { Knex } from "knex";

/**
 * For kinds as plug-ins:
 * - nonces get a `scope` (the signed interface they belong to) in their primary key, instead of the
 *   `kit:` prefix the joint-operation sync used to put in front of its nonces;
 * - events get the `request_id` of the call (also on its log line), so the answer sent at the deadline
 *   can be recorded on the call's own row;
 * - jobs get a `dedupe_key`, unique per product, so work queued for later is queued exactly once.
 */
export async function up(knex: Knex): Promise<void> {
  // Nonces live for about two minutes; the old rows are carried over so that no replay slips through.
  await knex.schema.renameTable("koogate_nonces", "koogate_nonces_old");
  await knex.schema.createTable("koogate_nonces", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("scope", 32).notNullable();
    t.string("nonce", 128).notNullable();
    t.bigInteger("expires_at").notNullable();
    // named: the renamed old table keeps the default names until it is dropped
    t.primary(["product_id", "scope", "nonce"], "koogate_nonces_scoped_pkey");
    t.index(["expires_at"], "koogate_nonces_expires_at_idx");
  });
  const old: Array<{ product_id: string; nonce: string; expires_at: number }> = await knex("koogate_nonces_old").select();
  const rows = old.map((r) =>
    r.nonce.startsWith("kit:") ? { ...r, scope: "saas-sync", nonce: r.nonce.slice(4) } : { ...r, scope: "saas-v2" },
  );
  for (let i = 0; i < rows.length; i += 200) await knex("koogate_nonces").insert(rows.slice(i, i + 200));
  await knex.schema.dropTable("koogate_nonces_old");

  // No index: a call's row is found by (product_id, at), which is indexed, and every index here is
  // paid for by every call's insert.
  await knex.schema.alterTable("koogate_events", (t) => {
    t.string("request_id", 32).nullable();
  });
  await knex.schema.alterTable("koogate_jobs", (t) => {
    t.string("dedupe_key", 200).nullable();
    t.unique(["product_id", "dedupe_key"]);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable("koogate_jobs", (t) => {
    t.dropUnique(["product_id", "dedupe_key"]);
    t.dropColumn("dedupe_key");
  });
  await knex.schema.alterTable("koogate_events", (t) => {
    t.dropColumn("request_id");
  });
  await knex.schema.dropTable("koogate_nonces");
  await knex.schema.createTable("koogate_nonces", (t) => {
    t.string("product_id", 64).notNullable();
    t.string("nonce", 128).notNullable();
    t.bigInteger("expires_at").notNullable();
    t.primary(["product_id", "nonce"]);
    t.index(["expires_at"]);
  });
}
