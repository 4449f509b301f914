import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { createDatabase } from "../../../core/store/database.js";
import { EventLog } from "../../../core/store/events.js";
import { InstanceStore, type InstanceRow } from "../../../core/store/instances.js";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { NonceStore } from "../../../core/store/nonces.js";
import { OperationStore } from "../../../core/store/operations.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

// These run on whichever database the suite runs on (SQLite, or PostgreSQL with KOOGATE_TEST_DATABASE_URL):
// the differences between the two (returning(), onConflict, BIGINT as text, booleans as 0/1) show here.
describe(`the stores on ${testDatabaseKind}`, () => {
  let db: Knex;
  before(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
  });
  after(() => db.destroy());

  const row = (instanceId: string, extra: Partial<InstanceRow> = {}): InstanceRow => ({
    productId: "p",
    instanceId,
    orderId: `o-${instanceId}`,
    orderLineId: `ol-${instanceId}`,
    businessId: instanceId,
    state: "active",
    expireAt: 4_102_444_800_000,
    marketplaceProductId: null,
    test: true,
    appInfoSealed: "sealed",
    terms: { amount: 30, chargingMode: 3, periodType: "month", periodNumber: 2 },
    trial: true,
    createdAt: 1_790_000_000_123,
    updatedAt: 1_790_000_000_123,
    ...extra,
  });

  describe("NonceStore", () => {
    it("claims a nonce once and refuses it the second time", async () => {
      const nonces = new NonceStore(db);
      expect(await nonces.claim("p", "saas-v2", "N1", 1_790_000_000_000)).to.equal(true);
      expect(await nonces.claim("p", "saas-v2", "N1", 1_790_000_000_000)).to.equal(false);
    });

    it("keeps nonces of two products apart", async () => {
      const nonces = new NonceStore(db);
      expect(await nonces.claim("p", "saas-v2", "N2", 1_790_000_000_000)).to.equal(true);
      expect(await nonces.claim("q", "saas-v2", "N2", 1_790_000_000_000)).to.equal(true);
    });

    it("purges only the nonces whose window has passed", async () => {
      const nonces = new NonceStore(db);
      await nonces.claim("purge", "saas-v2", "old", 1000);
      await nonces.claim("purge", "saas-v2", "new", 3000);
      await nonces.purge(2000);
      const left = await db("koogate_nonces").where("product_id", "purge").pluck("nonce");
      expect(left).to.deep.equal(["new"]);
    });
  });

  describe("InstanceStore", () => {
    it("reads back every column with its type (BIGINT as a number, boolean as a boolean)", async () => {
      const instances = new InstanceStore(db);
      await instances.insert(row("i1"));
      expect(await instances.get("p", "i1")).to.deep.equal(row("i1"));
    });

    it("refuses a second instance for one order line", async () => {
      const instances = new InstanceStore(db);
      await instances.insert(row("i2"));
      let error: unknown;
      try {
        await instances.insert(row("i3", { orderId: "o-i2", orderLineId: "ol-i2" }));
      } catch (e) {
        error = e;
      }
      expect(error, "the unique key on the order line").to.be.instanceOf(Error);
    });

    it("counts one changed row for an update and none for an unknown instance", async () => {
      const instances = new InstanceStore(db);
      await instances.insert(row("i4"));
      expect(await instances.update("p", "i4", { state: "frozen", updatedAt: 5 })).to.equal(1);
      expect(await instances.update("p", "nope", { state: "frozen", updatedAt: 5 })).to.equal(0);
      expect((await instances.get("p", "i4"))?.state).to.equal("frozen");
    });

    it("reads several instances at once", async () => {
      const instances = new InstanceStore(db);
      await instances.insert(row("i5", { test: false, expireAt: null }));
      const got = await instances.getMany("p", ["i5", "i1", "absent"]);
      expect(got.map((r) => r.instanceId).sort()).to.deep.equal(["i1", "i5"]);
      expect(got.find((r) => r.instanceId === "i5")).to.deep.include({ test: false, expireAt: null });
    });
  });

  describe("OperationStore", () => {
    const key = (k: string) => ({ productId: "p", activity: "newInstance", idemKey: k });

    it("gives the claim to the first delivery and shows it busy to the next", async () => {
      const ops = new OperationStore(db);
      const first = await ops.claim(key("k1"), "biz-1", 1000, 30_000);
      const second = await ops.claim(key("k1"), "biz-2", 1001, 30_000);
      expect(first).to.deep.include({ kind: "owner", instanceId: "biz-1", takenOver: false });
      expect(second).to.deep.equal({ kind: "busy", instanceId: "biz-1", leaseUntil: 31_000 });
    });

    it("lets exactly one of many concurrent deliveries own the claim", async () => {
      const ops = new OperationStore(db);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => ops.claim(key("k-race"), `biz-${i}`, 1000, 30_000)));
      expect(claims.filter((c) => c.kind === "owner")).to.have.length(1);
    });

    it("answers the stored bytes once the owner completed", async () => {
      const ops = new OperationStore(db);
      const c = await ops.claim(key("k2"), "biz-1", 1000, 30_000);
      if (c.kind !== "owner") throw new Error("expected to own the claim");
      const stored = await db.transaction((trx) => ops.complete(key("k2"), c.owner, '{"resultCode":"000000"}', 1001, trx));
      expect(stored).to.equal(true);
      expect(await ops.claim(key("k2"), "biz-2", 1002, 30_000)).to.deep.equal({ kind: "done", instanceId: "biz-1", response: '{"resultCode":"000000"}' });
    });

    it("hands an expired lease to a later delivery, and the old owner can no longer complete", async () => {
      const ops = new OperationStore(db);
      const c = await ops.claim(key("k3"), "biz-1", 1000, 10);
      if (c.kind !== "owner") throw new Error("expected to own the claim");
      const later = await ops.claim(key("k3"), "biz-2", 2000, 30_000);
      expect(later).to.deep.include({ kind: "owner", instanceId: "biz-1", takenOver: true });
      const stale = await db.transaction((trx) => ops.complete(key("k3"), c.owner, "x", 2001, trx));
      expect(stale).to.equal(false);
      expect((await db("koogate_operations").where("idem_key", "k3").first()).attempts).to.equal(2);
    });

    it("forgets an abandoned claim, so that the next delivery owns it afresh", async () => {
      const ops = new OperationStore(db);
      const c = await ops.claim(key("k4"), "biz-1", 1000, 30_000);
      if (c.kind !== "owner") throw new Error("expected to own the claim");
      await db.transaction((trx) => ops.abandon(key("k4"), c.owner, trx));
      expect(await ops.claim(key("k4"), "biz-2", 1001, 30_000)).to.deep.include({ kind: "owner", instanceId: "biz-2", takenOver: false });
    });
  });

  describe("EventLog", () => {
    it("reads back an event with its types", async () => {
      const events = new EventLog(db);
      const e = {
        at: 1_790_000_000_456,
        requestId: "0123456789abcdef",
        productId: "ev",
        activity: "newInstance",
        instanceId: "i",
        idemKey: "k",
        verdict: "processed" as const,
        resultCode: "000000",
        response: "{}",
        durationMs: 3,
        test: true,
        detail: null,
      };
      await events.append(e);
      expect(await events.list({ productId: "ev" })).to.deep.equal([e]);
    });
  });
});
