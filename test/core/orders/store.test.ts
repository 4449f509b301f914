import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import type { NotifiedOrder } from "../../../core/orders/order.js";
import { OrderStore, UnstorableOrder } from "../../../core/orders/store.js";
import { createDatabase } from "../../../core/store/database.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

const KEY = "test-general-key-0123456789";

function lines(n: number, change: Partial<NotifiedOrder> = {}, at = 0): NotifiedOrder[] {
  return Array.from({ length: n }, (_, i) => ({
    orderId: "ORDER-1",
    orderType: "NEW",
    orderLineId: `ORDER-1-${String(i + 1).padStart(6, "0")}`,
    chargingMode: "PERIOD",
    periodType: "month",
    periodNumber: 1,
    productId: "OFFI846204237451911168",
    skuCode: "0a4d1578-5295-46a7-92d4-7c803dccc51d",
    linearValue: 50,
    amount: "100",
    buyer: { customerId: "c-1" },
    extendParams: {},
    test: false,
    ...(i === at ? change : {}),
  }));
}

// issue 24, finding 10: a 600-line order was never stored on SQLite, and fields were not checked against their columns
describe(`OrderStore.save on ${testDatabaseKind}`, () => {
  let db: Knex;
  let store: OrderStore;
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
    store = new OrderStore(db);
  });
  afterEach(() => db.destroy());

  const stored = async () => Number((await db("koogate_order_lines").count({ n: "*" }).first())!.n);

  it("stores an order of 600 lines, every line once", async () => {
    expect(await store.save("p1", lines(600), KEY, 1000)).to.equal(true);
    expect(await stored()).to.equal(600);
    expect(await store.save("p1", lines(600), KEY, 2000), "a second save adds nothing").to.equal(false);
    expect(await stored()).to.equal(600);
  });

  for (const [what, change, message] of [
    ["a line id of 322 characters in its 64-character column", { orderLineId: "L".repeat(322) }, /line 3 of 5: orderLineId "L{39}… \(324 characters\) is 322 characters, its column holds 64/],
    ["a periodNumber of 1e308 in its integer column", { periodNumber: 1e308 }, /line 3 of 5 \(ORDER-1-000003\): periodNumber 1e\+308 is not a whole number from -2147483648 to 2147483647/],
    ["a periodNumber of 2.5", { periodNumber: 2.5 }, /periodNumber 2.5 is not a whole number/],
    ["a linearValue that is not finite", { linearValue: Infinity }, /linearValue Infinity is not a finite number/],
    ["an amount of 33 characters", { amount: "9".repeat(33) }, /amount "9{33}" is 33 characters, its column holds 32/],
    ["a skuCode holding a NUL character", { skuCode: "a\u0000b" }, /skuCode .* holds a NUL character/],
    ["an expiry past the year 9999", { expireAt: new Date(Date.UTC(20000, 0)) }, /expireAt is not a time koogate can store/],
  ] as const) {
    it(`refuses an order with ${what}, naming the line and the field, storing nothing`, async () => {
      const err = await store.save("p1", lines(5, change as Partial<NotifiedOrder>, 2), KEY, 1000).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(UnstorableOrder);
      expect((err as Error).message).to.match(/^order ORDER-1 cannot be stored: /);
      expect((err as Error).message).to.match(message);
      expect((err as Error).message.length, "a bounded message").to.be.below(300);
      expect(await stored()).to.equal(0);
      expect(await db("koogate_orders").select()).to.deep.equal([]);
    });
  }

  it("stores a 64-character line id made of characters outside the BMP, which PostgreSQL counts as 64", async () => {
    await store.save("p1", lines(1, { orderLineId: "😀".repeat(64) }), KEY, 1000);
    expect(await stored()).to.equal(1);
  });
});
