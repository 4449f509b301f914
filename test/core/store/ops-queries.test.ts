import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { LicenseCodeStore } from "../../../core/kinds/license/codes.js";
import { UsageStore } from "../../../core/metering/store.js";
import { OrderStore } from "../../../core/orders/store.js";
import { createDatabase } from "../../../core/store/database.js";
import { InstanceStore } from "../../../core/store/instances.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";
import { plantNotifiedOrder, plantUsage } from "../../support/planted.js";

// The statements the operations side adds (alarm, reconciliation, metrics, operator page), on whichever
// database the suite runs on.
describe(`the operations queries on ${testDatabaseKind}`, () => {
  let db: Knex;
  const T = 1_790_000_000_000;
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
  });
  afterEach(() => db.destroy());

  const instance = (productId: string, orderId: string) =>
    new InstanceStore(db).insert({ productId, instanceId: `i-${orderId}`, orderId, orderLineId: `${orderId}-000001`, businessId: `b-${orderId}`, state: "active", expireAt: null, marketplaceProductId: null, test: false, appInfoSealed: null, createdAt: T, updatedAt: T });

  describe("OrderStore.unprovisionedBefore", () => {
    it("counts, per product, lines of NEW orders stored before the time that have no instance for their order", async () => {
      await plantNotifiedOrder(db, { productId: "p1", orderId: "A", fetchedAt: T - 10 });
      await plantNotifiedOrder(db, { productId: "p1", orderId: "B", fetchedAt: T - 10 });
      await plantNotifiedOrder(db, { productId: "p2", orderId: "C", fetchedAt: T - 10 });
      expect([...(await new OrderStore(db).unprovisionedBefore(T))].sort()).to.deep.equal([["p1", 2], ["p2", 1]]);
    });

    it("leaves out a line whose order has an instance of the same product", async () => {
      await plantNotifiedOrder(db, { productId: "p1", orderId: "A", fetchedAt: T - 10 });
      await instance("p1", "A");
      expect(await new OrderStore(db).unprovisionedBefore(T)).to.deep.equal(new Map());
    });

    it("leaves out a line stored at or after the time", async () => {
      await plantNotifiedOrder(db, { productId: "p1", orderId: "A", fetchedAt: T });
      expect(await new OrderStore(db).unprovisionedBefore(T)).to.deep.equal(new Map());
    });

    it("leaves out the lines of orders that are not NEW (renewals, changes, unsubscriptions)", async () => {
      for (const t of ["RENEW", "CHANGE", "TRIAL_TO_FORMAL", "UNSUBSCRIBE"]) await plantNotifiedOrder(db, { productId: "p1", orderId: t, orderType: t, fetchedAt: T - 10 });
      expect(await new OrderStore(db).unprovisionedBefore(T)).to.deep.equal(new Map());
    });
  });

  describe("OrderStore.unprovisioned", () => {
    it("lists the lines without an instance stored since the time, oldest first, with when they were stored", async () => {
      await plantNotifiedOrder(db, { productId: "p1", orderId: "OLD", fetchedAt: T - 1000 });
      await plantNotifiedOrder(db, { productId: "p1", orderId: "B", fetchedAt: T + 20 });
      await plantNotifiedOrder(db, { productId: "p1", orderId: "A", fetchedAt: T + 10 });
      expect(await new OrderStore(db).unprovisioned({ since: T })).to.deep.equal([
        { productId: "p1", orderId: "A", orderLineId: "A-000001", fetchedAt: T + 10 },
        { productId: "p1", orderId: "B", orderLineId: "B-000001", fetchedAt: T + 20 },
      ]);
    });
  });

  describe("UsageStore", () => {
    it("counts the pending records of every product in pendingCount", async () => {
      await plantUsage(db, { productId: "p1", instanceId: "x", beginAt: T, state: "pending", createdAt: T });
      await plantUsage(db, { productId: "p2", instanceId: "x", beginAt: T, state: "pending", createdAt: T });
      await plantUsage(db, { productId: "p2", instanceId: "y", beginAt: T, state: "rejected", createdAt: T });
      expect(await new UsageStore(db).pendingCount()).to.equal(2);
    });

    it("lists as unacknowledged the records pending since before the due time and the rejected ones, with their instance's order", async () => {
      await instance("p1", "ORD");
      const late = await plantUsage(db, { productId: "p1", instanceId: "i-ORD", beginAt: T - 7200_000, state: "pending", createdAt: T - 10 });
      await plantUsage(db, { productId: "p1", instanceId: "i-ORD", beginAt: T - 3600_000, state: "pending", createdAt: T });
      await plantUsage(db, { productId: "p1", instanceId: "i-ORD", beginAt: T, state: "pushed", createdAt: T - 10 });
      const refused = await plantUsage(db, { productId: "p1", instanceId: "gone", beginAt: T, state: "rejected", createdAt: T - 10, errorCode: "MKT.9004", errorMsg: "too old" });
      const rows = await new UsageStore(db).unacknowledged({ dueBefore: T });
      expect(rows.map((r) => [r.meteringSn, r.state, r.orderId, r.errorCode])).to.deep.equal([
        [late, "pending", "ORD", null],
        [refused, "rejected", null, "MKT.9004"],
      ]);
    });
  });

  describe("LicenseCodeStore.list", () => {
    it("lists a product's codes, most recently changed first, with their hint and never the code", async () => {
      const codes = new LicenseCodeStore(db);
      await db.transaction(async (trx) => {
        await codes.ensure("lic", "CODE-AAAA-1111", false, T, trx);
        await codes.ensure("lic", "CODE-BBBB-2222", false, T, trx);
        await codes.ensure("other", "CODE-CCCC-3333", false, T, trx);
      });
      await codes.update("lic", "CODE-AAAA-1111", { status: "frozen", updatedAt: T + 5 });
      const rows = await codes.list("lic");
      expect(rows.map((r) => [r.codeHint, r.status])).to.deep.equal([["1111", "frozen"], ["2222", "active"]]);
      expect(JSON.stringify(rows)).not.to.contain("CODE-");
    });
  });
});
