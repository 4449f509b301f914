import "reflect-metadata";
import { expect } from "chai";
import type { Knex } from "knex";
import { allMigrations } from "../../../../core/kernel.js";
import { KINDS } from "../../../../core/kinds/index.js";
import { APIG_NONCE_SCOPE, CallAdmission, type Admission } from "../../../../core/kinds/api/admission.js";
import { API_LIMITS_TABLE, BuyerLimits } from "../../../../core/kinds/api/rate-limit.js";
import { createDatabase } from "../../../../core/store/database.js";
import { migrateLatest } from "../../../../core/store/migrate.js";
import { NonceStore } from "../../../../core/store/nonces.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../../support/database.js";
import { statementsDuring } from "../../../support/statements.js";

// The flush that claims an API call's signature and counts the call (core/kinds/api/admission.ts), on the real database.
describe(`claiming and counting the API calls that arrive together, on ${testDatabaseKind}`, () => {
  let db: Knex;
  let admission: CallAdmission;
  const now = Date.UTC(2026, 11, 6, 12, 0, 30);
  const call = (signature: string, buyer: string, extra: Partial<Admission> = {}): Admission => ({
    productId: "p",
    replayKey: { value: signature, expiresAt: now + 900_000 },
    limit: { requests: 2, perSeconds: 60, buyer },
    nowMs: now,
    ...extra,
  });
  const counts = async () => (await db(API_LIMITS_TABLE).orderBy("buyer").select("buyer", "count")).map((r: { buyer: string; count: number | string }) => [r.buyer, Number(r.count)]);
  beforeEach(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await migrateLatest(db, allMigrations(KINDS));
    admission = new CallAdmission(new NonceStore(db), new BuyerLimits(db));
  });
  afterEach(() => db.destroy());

  it("refuses a signature used twice among simultaneous calls, counts only the fresh calls, and limits a buyer past its requests", async () => {
    const { result: answers, sql: seen } = await statementsDuring(db, () =>
      Promise.all([call("s1", "a"), call("s1", "a"), call("s2", "a"), call("s3", "a"), call("s4", "b")].map((c) => admission.admit(c))),
    );
    expect(answers).to.deep.equal([
      { ok: true, retryAfter: 0 },
      { ok: false, why: "replayed" },
      { ok: true, retryAfter: 0 },
      { ok: true, retryAfter: 30 },
      { ok: true, retryAfter: 0 },
    ]);
    // one claim and one count for the five calls, each committed before any was answered
    expect(seen).to.have.length(2);
    expect(await counts()).to.deep.equal([["a", 3], ["b", 1]]);
    expect(await db("koogate_nonces").where("scope", APIG_NONCE_SCOPE).orderBy("nonce").pluck("nonce")).to.deep.equal(["s1", "s2", "s3", "s4"]);
  });

  it("admits without a statement a call that has neither a signature to claim nor a limit", async () => {
    const { result, sql } = await statementsDuring(db, () => admission.admit({ productId: "p", nowMs: now }));
    expect(result).to.deep.equal({ ok: true, retryAfter: 0 });
    expect(sql).to.deep.equal([]);
  });

  it("answers a call whose count failed as not counted, its signature kept claimed: sent again it is a replay, never counted twice", async () => {
    await db.schema.renameTable(API_LIMITS_TABLE, "limits_away");
    const failed = await Promise.all([call("f1", "a"), call("f2", "b")].map((c) => admission.admit(c)));
    expect(failed.map((a) => (a.ok ? "ok" : a.why))).to.deep.equal(["uncounted", "uncounted"]);
    await db.schema.renameTable("limits_away", API_LIMITS_TABLE);
    expect(await admission.admit(call("f1", "a"))).to.deep.equal({ ok: false, why: "replayed" });
    expect(await admission.admit(call("f3", "a"))).to.deep.equal({ ok: true, retryAfter: 0 });
    expect(await counts()).to.deep.equal([["a", 1]]);
  });

  it("counts a call without a signature to claim, and claims one on a listing without a limit", async () => {
    const answers = await Promise.all([admission.admit(call("x", "a", { replayKey: undefined })), admission.admit(call("n1", "a", { limit: undefined }))]);
    expect(answers).to.deep.equal([
      { ok: true, retryAfter: 0 },
      { ok: true, retryAfter: 0 },
    ]);
    expect(await counts()).to.deep.equal([["a", 1]]);
    expect(await db("koogate_nonces").pluck("nonce")).to.deep.equal(["n1"]);
  });
});
