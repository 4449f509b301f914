import type { Knex } from "knex";

/**
 * Two small tables of the operations side (issue 24, findings 12 and 13):
 *
 * - `koogate_ops_sessions`: the operator page's sign-in sessions, so that every process of one
 *   deployment knows them and a sign-out ends them everywhere. A row holds the SHA-256 of the random
 *   session id (never the id the cookie carries), when it expires, and a tag of the token it was opened
 *   with (a new `KOOGATE_OPS_TOKEN` ends every older session).
 * - `koogate_heartbeat`: one row the readiness probe rewrites every second, so that `/readyz` says
 *   "not ready" when the database can be read but not written (a full disk, a read-only replica).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable("koogate_ops_sessions", (t) => {
    t.string("id_digest", 64).primary();
    t.string("token_tag", 64).notNullable();
    t.bigInteger("created_at").notNullable();
    t.bigInteger("expires_at").notNullable().index();
  });
  await knex.schema.createTable("koogate_heartbeat", (t) => {
    t.integer("id").primary();
    t.bigInteger("beat_at").notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists("koogate_heartbeat");
  await knex.schema.dropTableIfExists("koogate_ops_sessions");
}
