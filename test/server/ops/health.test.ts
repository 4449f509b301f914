import { expect } from "chai";
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
    expect(Object.keys(r.body.checks!)).to.deep.equal(["database", "migrations", "outbox", "products"]);
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
});
