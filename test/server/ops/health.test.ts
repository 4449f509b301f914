import { expect } from "chai";
import knex from "knex";
import { startServer, type TestServer } from "../../support/server.js";
import { eventually } from "../../support/wait.js";

/** Waits until /readyz answers `status`. */
async function readyz(s: TestServer, status: number) {
  return eventually(async () => {
    const a = await get(s, "/readyz");
    return a.status === status ? a : undefined;
  }, `/readyz ${status}`);
}

async function get(s: TestServer, path: string) {
  const res = await fetch(`${s.url}${path}`);
  return { status: res.status, type: res.headers.get("content-type"), body: (await res.json()) as { status: string; checks?: Record<string, { ok: boolean; detail: string }> } };
}

describe("/healthz and /readyz", () => {
  let s: TestServer;
  afterEach(async () => s?.close());

  it("answers /healthz 200 with JSON while the process is up", async () => {
    s = await startServer();
    const r = await get(s, "/healthz");
    expect([r.status, r.type, r.body.status]).to.deep.equal([200, "application/json; charset=utf-8", "ok"]);
  });

  it("answers /readyz 200 once the database, the migrations, the outbox and the products are all right", async () => {
    s = await startServer();
    const r = await readyz(s, 200);
    expect(r.body.status).to.equal("ready");
    expect(Object.keys(r.body.checks!)).to.deep.equal(["database", "writes", "migrations", "outbox", "products"]);
  });

  it("answers /readyz 503 naming the migrations when one of them has not run", async () => {
    s = await startServer();
    await readyz(s, 200);
    await s.koogate.db("koogate_migrations").where("name", "20261201000000_reconciliations").delete();
    const r = await readyz(s, 503);
    expect(r.body.checks!.migrations!.ok).to.equal(false);
    expect(r.body.checks!.migrations!.detail).to.contain("20261201000000_reconciliations");
  });

  it("answers /readyz 503 naming the database when it cannot be read", async () => {
    s = await startServer();
    await readyz(s, 200);
    await s.koogate.db.schema.renameTable("koogate_migrations", "koogate_migrations_gone");
    const r = await readyz(s, 503);
    expect(r.body.checks!.database!.ok).to.equal(false);
    await s.koogate.db.schema.renameTable("koogate_migrations_gone", "koogate_migrations");
  });

  // issue 24, finding 13: /readyz answered ready while every write failed
  it("answers /readyz 503 naming the writes when the database answers reads but refuses every write, and ready again after", async () => {
    s = await startServer();
    await readyz(s, 200);
    const writable = await refuseWrites(s);
    try {
      const r = await readyz(s, 503);
      expect(r.body.checks!.database!.ok, "still read").to.equal(true);
      expect(r.body.checks!.writes).to.include({ ok: false });
      expect(r.body.checks!.writes!.detail).to.match(/^failing: .*read.?only/i);
    } finally {
      await writable();
    }
    expect((await readyz(s, 200)).body.checks!.writes).to.deep.equal({ ok: true, detail: "a write succeeded" });
  });
});

/**
 * Makes the server's database refuse every write while reads go on, as a full disk or a read-only
 * replica does; resolves with the function that undoes it. SQLite: `query_only` on koogate's one
 * connection. PostgreSQL: read-only transactions by default for the database, and koogate's
 * connections ended so that its pool opens new ones that take the setting.
 */
async function refuseWrites(s: TestServer): Promise<() => Promise<void>> {
  const db = s.koogate.db;
  if (db.client.config.client === "better-sqlite3" || db.client.config.client === "sqlite3") {
    await db.raw("PRAGMA query_only = ON");
    return async () => void (await db.raw("PRAGMA query_only = OFF"));
  }
  const admin = knex({ client: "pg", connection: s.databaseUrl, pool: { min: 0, max: 1 } });
  const name = (await admin.raw("select current_database() as d")).rows[0].d as string;
  const reconnect = () => admin.raw("select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and pid <> pg_backend_pid()", [name]);
  await admin.raw(`alter database "${name}" set default_transaction_read_only = on`);
  await reconnect();
  return async () => {
    await admin.raw(`alter database "${name}" reset default_transaction_read_only`);
    await reconnect();
    await admin.destroy();
  };
}
