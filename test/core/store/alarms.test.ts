import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { createLogger } from "../../../core/logger.js";
import { Alarm } from "../../../core/ops/alarm.js";
import { StoredAlarms } from "../../../core/store/alarms.js";
import type { CallShare } from "../../../core/store/call-shares.js";
import { createDatabase } from "../../../core/store/database.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook.js";

// Several processes on one database: each has its own Alarm, all share the raised conditions' table.
describe(`the alarm's raised conditions kept in the database, on ${testDatabaseKind}`, () => {
  let db: Knex;
  let hook: WebhookReceiver;
  let stored: CallShare;
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
    hook = await startWebhookReceiver();
    stored = { calls: 0, failures: 0 };
  });
  afterEach(async () => {
    await hook.close();
    await db.destroy();
  });

  /** one process's alarm: its own store object on the shared database */
  const process = (now?: () => number) =>
    new Alarm({
      now,
      raised: new StoredAlarms(db),
      webhookUrl: hook.url,
      minCalls: 10,
      callShares: async () => new Map([["p1", { ...stored }]]),
      parkedJobs: async () => new Map(),
      provisioningBefore: async () => new Map(),
      logger: createLogger({ level: "silent" }),
    });

  it("posts a condition raised in three processes once, and every process lists it", async () => {
    stored = { calls: 20, failures: 10 };
    const all = [process(), process(), process()];
    await Promise.all(all.map((a) => a.check()));
    await Promise.all(all.map((a) => a.check()));
    expect(hook.bodies).to.have.length(1);
    for (const a of all) expect((await a.active()).map((x) => [x.product, x.condition, x.figure])).to.deep.equal([["p1", "failure-share", 0.5]]);
  });

  it("forgets a condition once it cleared, so that it is posted again when raised anew", async () => {
    const [a, b] = [process(), process()];
    stored = { calls: 20, failures: 10 };
    await a.check();
    stored = { calls: 20, failures: 0 };
    await b.check();
    expect(await a.active()).to.deep.equal([]);
    stored = { calls: 20, failures: 10 };
    await b.check();
    expect(hook.bodies).to.have.length(2);
  });

  it("lets another process post a condition whose post failed", async () => {
    stored = { calls: 20, failures: 10 };
    hook.status = 500;
    await process().check();
    expect(await db("koogate_alarms").count({ n: "*" }).first().then((r) => Number(r!.n))).to.equal(0);
    hook.status = 200;
    await process().check();
    expect(hook.bodies).to.have.length(1);
    expect(await db("koogate_alarms").pluck("condition")).to.deep.equal(["failure-share"]);
  });

  it("leaves alone a condition raised after another process's check began, which read the calls before it", async () => {
    let clock = 1_800_000_000_000;
    const a = process(() => clock);
    stored = { calls: 20, failures: 10 };
    await a.check();
    // B's check began a moment before A's raise and read the calls as they were then: none failed yet
    const b = process(() => clock - 5);
    stored = { calls: 0, failures: 0 };
    await b.check();
    expect(await db("koogate_alarms").pluck("condition")).to.deep.equal(["failure-share"]);
    stored = { calls: 20, failures: 10 };
    clock += 1000;
    await a.check();
    expect(hook.bodies).to.have.length(1);
  });
});
