import { expect } from "chai";
import type { Knex } from "knex";
import { createDatabase } from "../../../core/store/database.js";
import { GroupCommit } from "../../../core/store/group-commit.js";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { NonceStore } from "../../../core/store/nonces.js";
import { OperationStore } from "../../../core/store/operations.js";
import { freshDatabaseUrl } from "../../support/database.js";

const event = (activity: string) => ({
  at: Date.now(), productId: "p", activity, verdict: "processed" as const, resultCode: "000000", response: "{}", durationMs: 1, test: false,
});

describe("group commit (core/store)", () => {
  let db: Knex;
  before(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
  });
  after(() => db.destroy());

  it("commits concurrent calls together, and a call that fails inside the shared transaction fails alone", async () => {
    const gc = new GroupCommit(db, new OperationStore(db));
    const results = await Promise.allSettled([
      gc.commit({ event: event("a1") }),
      gc.commit({
        event: event("a2"),
        apply: async () => {
          throw new Error("lost claim");
        },
      }),
      gc.commit({ event: event("a3"), inserts: [{ table: "koogate_nonces", row: { product_id: "p", scope: "saas-v2", nonce: "gc-1", expires_at: 1 } }] }),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
    const activities = (await db("koogate_events").whereIn("activity", ["a1", "a2", "a3"])).map((e: { activity: string }) => e.activity).sort();
    expect(activities).to.deep.equal(["a1", "a3"]);
    expect(await db("koogate_nonces").where({ nonce: "gc-1" })).to.have.length(1);
  });

  it("rolls back a call's inserts with its event when its own statements fail", async () => {
    const gc = new GroupCommit(db, new OperationStore(db));
    await gc
      .commit({
        event: event("b1"),
        inserts: [{ table: "koogate_nonces", row: { product_id: "p", scope: "saas-v2", nonce: "gc-2", expires_at: 1 } }],
        apply: async () => {
          throw new Error("no");
        },
      })
      .catch(() => undefined);
    expect(await db("koogate_nonces").where({ nonce: "gc-2" })).to.have.length(0);
    expect(await db("koogate_events").where({ activity: "b1" })).to.have.length(0);
  });

  it("completes the claims of calls committed together in one upsert, failing only a call whose claim was taken over", async () => {
    const ops = new OperationStore(db);
    const gc = new GroupCommit(db, ops);
    const key = (k: string) => ({ productId: "p", activity: "newInstance", idemKey: k });
    const now = Date.now();
    const a = await ops.claim(key("gc-a"), "inst-a", now, 10_000);
    const b = await ops.claim(key("gc-b"), "inst-b", now - 20_000, 10_000); // its lease ran out long ago
    if (a.kind !== "owner" || b.kind !== "owner") throw new Error("expected to own both claims");
    const thief = await ops.inspect(key("gc-b"), now, 10_000); // a later delivery takes b over
    expect(thief.kind).to.equal("owner");
    const results = await Promise.allSettled([
      gc.commit({ event: event("c-a"), completes: [{ key: key("gc-a"), owner: a.owner, response: "A", instanceId: "inst-a", nowMs: now }] }),
      gc.commit({ event: event("c-b"), completes: [{ key: key("gc-b"), owner: b.owner, response: "B", instanceId: "inst-b", nowMs: now }] }),
    ]);
    expect(results.map((r) => r.status)).to.deep.equal(["fulfilled", "rejected"]);
    const rows = await db("koogate_operations").whereIn("idem_key", ["gc-a", "gc-b"]).orderBy("idem_key");
    expect(rows.map((r: { state: string; response: string | null }) => [r.state, r.response])).to.deep.equal([["done", "A"], ["pending", null]]);
    expect(await db("koogate_events").where({ activity: "c-b" })).to.have.length(0);
  });

  it("lets exactly one of several concurrent claims of one nonce win, in one batch or across batches", async () => {
    const nonces = new NonceStore(db);
    const wins = await Promise.all(Array.from({ length: 10 }, () => nonces.claim("p", "saas-v2", "same-nonce", Date.now() + 1000)));
    expect(wins.filter(Boolean)).to.have.length(1);
    expect(await nonces.claim("p", "saas-v2", "same-nonce", Date.now() + 1000)).to.equal(false);
    expect(await nonces.claim("other-product", "saas-v2", "same-nonce", Date.now() + 1000)).to.equal(true);
  });
});
