import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../../core/kernel.js";
import { KINDS } from "../../../../core/kinds/index.js";
import { API_CALLS_TABLE, CallLog, type CallRecord } from "../../../../core/kinds/api/call-log.js";
import { createLogger } from "../../../../core/logger.js";
import { createDatabase } from "../../../../core/store/database.js";
import { migrateLatest } from "../../../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../../support/database.js";
import { statementsDuring } from "../../../support/statements.js";

const row = (i: number): CallRecord => ({ at: 1_765_000_000_000 + i, productId: "p", buyerId: `b${i % 3}`, requestId: `r${i}`, method: "POST", status: 200, outcome: "answered", durationMs: 1.4, bytesIn: 5, bytesOut: 64, note: null });

describe(`the API call log's writes, on ${testDatabaseKind}`, () => {
  let db: Knex;
  before(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
  });
  after(() => db.destroy());

  it("writes the rows of calls recorded one after another, each in its own turn of the event loop, together in one insert", async () => {
    const log = new CallLog(db, createLogger({ level: "silent" }));
    const { sql } = await statementsDuring(db, async () => {
      for (let i = 0; i < 100; i++) {
        log.record(row(i));
        await new Promise((r) => setImmediate(r));
      }
      await log.flush();
    });
    // a turn of the event loop takes microseconds, the wait for other rows milliseconds: one insert, a few if this machine stalls
    expect(sql.length).to.be.within(1, 3);
    const rows: Array<{ request_id: string }> = await db(API_CALLS_TABLE).orderBy("id").select("request_id");
    expect(rows.map((r) => r.request_id)).to.deep.equal(Array.from({ length: 100 }, (_, i) => `r${i}`));
  });

  it("writes every row recorded before a flush by the time the flush resolves, without waiting for more", async () => {
    const log = new CallLog(db, createLogger({ level: "silent" }));
    await db(API_CALLS_TABLE).delete();
    log.record(row(1));
    log.record(row(2));
    await log.flush();
    expect(await db(API_CALLS_TABLE).orderBy("id").pluck("request_id")).to.deep.equal(["r1", "r2"]);
  });
});
