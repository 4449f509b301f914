import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { apiCallShares } from "../../../core/kinds/api/ops.js";
import { callShares } from "../../../core/store/call-shares.js";
import { createDatabase } from "../../../core/store/database.js";
import { EventLog, type EventRecord } from "../../../core/store/events.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

const T = 1_790_000_000_000;

/** The failure share the alarm and the operator page read from the event log. */
describe(`each product's failure share, read from the event log, on ${testDatabaseKind}`, () => {
  let db: Knex;
  let log: EventLog;
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
    log = new EventLog(db);
  });
  afterEach(() => db.destroy());

  const call = (o: Partial<EventRecord>): EventRecord => ({ at: T, requestId: "kg.1", productId: "p1", activity: "newInstance", verdict: "processed", resultCode: "000000", response: "{}", durationMs: 5, test: false, ...o });

  it("counts each product's calls since the time given and those answered with a failure code", async () => {
    await log.append(call({}));
    await log.append(call({ verdict: "failed", resultCode: "000005" }));
    await log.append(call({ verdict: "rejected", resultCode: "000002" }));
    await log.append(call({ productId: "p2" }));
    await log.append(call({ at: T - 61_000, verdict: "failed", resultCode: "000005" }));
    const shares = await callShares(db, ["p1", "p2", "p3"], T - 60_000);
    expect(Object.fromEntries(shares)).to.deep.equal({ p1: { calls: 3, failures: 2 }, p2: { calls: 1, failures: 0 } });
  });

  it("leaves out a call refused before it was authenticated (no activity was read)", async () => {
    await log.append(call({}));
    await log.append(call({ activity: "", verdict: "rejected", resultCode: "000001" }));
    expect(await callShares(db, ["p1"], T - 1)).to.deep.equal(new Map([["p1", { calls: 1, failures: 0 }]]));
  });

  it("leaves out the outbox's background outcomes, which have no request id (no call of the marketplace's)", async () => {
    await log.append(call({}));
    await log.append(call({ requestId: null, activity: "pushUsage", verdict: "failed", resultCode: "000005", detail: "background attempt 1 failed" }));
    expect(await callShares(db, ["p1"], T - 1)).to.deep.equal(new Map([["p1", { calls: 1, failures: 0 }]]));
  });

  it("counts only the products asked about, and nothing when none is asked", async () => {
    await log.append(call({ productId: "elsewhere" }));
    expect(await callShares(db, ["p1"], 0)).to.deep.equal(new Map());
    expect(await callShares(db, [], 0)).to.deep.equal(new Map());
  });

  it("counts an API listing's calls from its call log, leaving out the calls koogate refused", async () => {
    const row = { at: T, product_id: "api1", method: "GET", duration_ms: 30, bytes_in: 0, bytes_out: 10 };
    await db("koogate_api_calls").insert([
      { ...row, status: 200, outcome: "answered" },
      { ...row, status: 503, outcome: "answered" },
      { ...row, status: 502, outcome: "upstream-down" },
      { ...row, status: 429, outcome: "limited" },
    ]);
    expect(await apiCallShares(db, ["api1"], T - 1)).to.deep.equal(new Map([["api1", { calls: 3, failures: 2 }]]));
  });
});
