import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { ActivityReader } from "../../../core/ops/activity.js";
import { createDatabase } from "../../../core/store/database.js";
import { EventLog, type EventRecord } from "../../../core/store/events.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

const MIN = 60_000;
const NOW = 1_790_000_040_000 + 30_000;
const LISTINGS = [{ id: "p1", kind: "saas" }];

describe(`the charts' reader on ${testDatabaseKind}`, () => {
  let db: Knex;
  let log: EventLog;
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
    log = new EventLog(db);
  });
  afterEach(() => db.destroy());

  const call = (at: number, o: Partial<EventRecord> = {}): EventRecord => ({ at, requestId: "kg.1", productId: "p1", activity: "newInstance", verdict: "processed", resultCode: "000000", response: "{}", durationMs: 7, test: false, ...o });
  const successes = async (r: ActivityReader, now = NOW) => (await r.read(LISTINGS, "hour", now)).calls.map((c) => c.success);

  it("draws the same figures as a fresh read when it reads again, with the calls of the current minute added", async () => {
    await log.append(call(NOW - 30 * MIN));
    const reader = new ActivityReader(db);
    await successes(reader);
    await log.append(call(NOW));
    await log.append(call(NOW - 1000, { verdict: "failed", resultCode: "000005" }));
    const again = await successes(reader);
    expect(again).to.deep.equal(await successes(new ActivityReader(db)));
    expect(again[59]).to.equal(1);
    expect(again[29]).to.equal(1);
  });

  it("moves with the time: a minute later the oldest bucket leaves and a new one comes", async () => {
    await log.append(call(NOW - 59 * MIN));
    const reader = new ActivityReader(db);
    expect((await successes(reader))[0]).to.equal(1);
    const later = await successes(reader, NOW + MIN);
    expect(later.reduce((s, n) => s + n, 0)).to.equal(0);
    expect(later).to.have.length(60);
  });
});
