import "reflect-metadata";
import { expect } from "chai";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Knex } from "knex";
import { createDatabase } from "../../../core/store/database.js";
import { insertRows, JsonRowsStatement, jsonRowsSelect } from "../../../core/store/json-rows.js";
import { allMigrations } from "../../../core/kernel.js";
import { KINDS } from "../../../core/kinds/index.js";
import { migrateLatest } from "../../../core/store/migrate.js";
import { NonceStore } from "../../../core/store/nonces.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";

async function withTable(db: Knex, name: string): Promise<void> {
  await db.schema.createTable(name, (t) => {
    t.increments("id");
    t.string("k", 32).notNullable().unique();
    t.text("s").nullable();
    t.bigInteger("n").nullable();
    t.boolean("b").nullable();
    t.float("f").nullable();
  });
}

/** Values at the edges of what JSON carries: each row is written by knex's builder into one table and through JSON rows into the other. */
const EDGE_ROWS: Array<Record<string, unknown>> = [
  { k: "plain", s: "text", n: 1, b: true },
  { k: "nul", s: "a\u0000b", n: 0, b: false },
  { k: "wide", s: "中文 ✓ \u{1F600}", n: 1_733_500_000_000, b: null },
  { k: "negative", s: "", n: -2_147_483_649 },
  { k: "quotes", s: `"'\\\n\t`, n: Number.MAX_SAFE_INTEGER },
  { k: "nothing", s: null, n: null },
];

/** Values JSON would not bring back as the driver binds them: such a batch goes through knex. */
const FALLBACK_ROWS: Array<Record<string, unknown>> = [
  { k: "lone", s: "a\ud800b", n: 1 },
  { k: "fraction", s: "x", f: 1.5 },
  { k: "big", s: "x", n: 2 ** 60 },
];

const sqliteFile = () => join(mkdtempSync(join(tmpdir(), "koogate-json-rows-")), "db.sqlite");

describe(`multi-row statements with one text for any number of rows, on ${testDatabaseKind}`, () => {
  let db: Knex;
  before(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await withTable(db, "by_knex");
    await withTable(db, "by_json");
  });
  after(() => db.destroy());

  // the values as read back, and on SQLite their storage classes and bytes too
  const stored = async (table: string): Promise<unknown> =>
    testDatabaseKind === "sqlite"
      ? db.raw(`select k, s, n, b, f, typeof(s) as ts, typeof(n) as tn, typeof(b) as tb, typeof(f) as tf, hex(s) as hs from ${table} order by k`)
      : db(table).orderBy("k").select("k", "s", "n", "b", "f");

  it("stores every value exactly as knex's builder does, the edge cases included", async () => {
    // PostgreSQL refuses U+0000 in text whichever way it is sent
    const edge = EDGE_ROWS.filter((r) => testDatabaseKind === "sqlite" || !String(r.s).includes("\u0000"));
    for (const r of [...edge, ...FALLBACK_ROWS]) await db("by_knex").insert(r);
    // each alone (a fallback row sends its own batch through knex), then all the JSON-safe ones in one batch
    for (const r of FALLBACK_ROWS) await insertRows(db, "by_json", [r]);
    await insertRows(db, "by_json", edge);
    expect(await stored("by_json")).to.deep.equal(await stored("by_knex"));
  });

  it("returns the rows a statement returns, for batches of several sizes, a conflicting row left out", async () => {
    const insert = new JsonRowsStatement<{ k: string; s: string | null }>(
      `insert into \`by_json\` (\`k\`, \`s\`) ${jsonRowsSelect(["k", "s"])} on conflict (\`k\`) do nothing returning \`k\``,
      ["k", "s"],
      (d, rows) => d("by_json").insert(rows).onConflict("k").ignore().returning("k"),
      "all",
    );
    expect(await insert.run(db, [{ k: "r1", s: "1" }])).to.deep.equal([{ k: "r1" }]);
    expect(await insert.run(db, [{ k: "r2", s: null }, { k: "r1", s: "again" }, { k: "r3", s: "3" }])).to.have.deep.members([{ k: "r2" }, { k: "r3" }]);
    expect(await db("by_json").whereIn("k", ["r1", "r2", "r3"]).orderBy("k").select("k", "s")).to.deep.equal([
      { k: "r1", s: "1" },
      { k: "r2", s: null },
      { k: "r3", s: "3" },
    ]);
  });

  it("writes inside the caller's transaction: rolled back with it", async () => {
    await db
      .transaction(async (trx) => {
        await insertRows(trx, "by_json", [{ k: "t1", s: "in a transaction" }, { k: "t2" }]);
        expect(await trx("by_json").whereIn("k", ["t1", "t2"]).pluck("k")).to.have.members(["t1", "t2"]);
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    expect(await db("by_json").whereIn("k", ["t1", "t2"]).pluck("k")).to.deep.equal([]);
  });

  it("fails the whole batch when one row breaks a constraint, and stores none of it", async () => {
    const err = await insertRows(db, "by_json", [{ k: "u1", s: "new" }, { k: "plain", s: "taken" }]).catch((e: Error) => e);
    expect(String(err)).to.match(/unique|duplicate/i);
    expect(await db("by_json").where("k", "u1").pluck("k")).to.deep.equal([]);
  });
});

describe("on SQLite, a batch of any size is one statement text", () => {
  it("sends the database the same text for 1, 2, 3 and 7 rows (knex's builder would send four)", async () => {
    const db = createDatabase(`sqlite:${sqliteFile()}`);
    try {
      await withTable(db, "t");
      const texts = new Set<string>();
      const listen = (q: { sql: string }) => texts.add(q.sql);
      db.on("query", listen);
      let i = 0;
      for (const n of [1, 2, 3, 7]) await insertRows(db, "t", Array.from({ length: n }, () => ({ k: `k${i++}`, s: "x", n: i })));
      db.off("query", listen);
      expect([...texts]).to.have.length(1);
      expect(await db("t").count({ n: "*" })).to.deep.equal([{ n: 13 }]);
    } finally {
      await db.destroy();
    }
  });

  it("opens and commits a transaction without sending the driver any text after the first", async () => {
    const db = createDatabase(`sqlite:${sqliteFile()}`);
    try {
      await withTable(db, "t");
      // what the driver is handed as text (each one prepared, run and finalized: three trips to the pool)
      const conn = (await db.client.acquireConnection()) as Record<string, (sql: string, ...rest: unknown[]) => unknown>;
      const texts: string[] = [];
      for (const m of ["all", "run", "exec", "prepare"]) {
        const original = conn[m]!.bind(conn);
        conn[m] = (sql: string, ...rest: unknown[]) => (texts.push(sql), original(sql, ...rest));
      }
      await db.client.releaseConnection(conn);
      for (let i = 0; i < 3; i++) {
        if (i === 1) texts.length = 0;
        await db.transaction(async (trx) => {
          await trx("t").insert({ k: `k${i}`, s: "x" });
        });
      }
      expect(texts).to.deep.equal([]);
      expect(await db("t").pluck("k")).to.have.members(["k0", "k1", "k2"]);
    } finally {
      await db.destroy();
    }
  });

  it("sends the nonce claims that came while the connection was busy in the one insert that waited for it", async () => {
    const db = createDatabase(`sqlite:${sqliteFile()}`);
    try {
      await migrateLatest(db, allMigrations(KINDS));
      const nonces = new NonceStore(db);
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      // a transaction holds the one connection, as another batch's statements do under load
      const busy = db.transaction(() => held);
      await new Promise((r) => setTimeout(r, 20));
      const inserts: string[] = [];
      const listen = (q: { sql: string }) => void (/koogate_nonces/.test(q.sql) && inserts.push(q.sql));
      db.on("query", listen);
      const first = nonces.claim("p", "saas-v2", "late-1", 1_790_000_000_000);
      // the first claim's batch is under way, waiting for the connection
      await new Promise((r) => setTimeout(r, 20));
      const later = ["late-2", "late-3", "late-1"].map((n) => nonces.claim("p", "saas-v2", n, 1_790_000_000_000));
      release();
      await busy;
      // the same nonce twice in one batch: the first wins, as two inserts in a row
      expect(await Promise.all([first, ...later])).to.deep.equal([true, true, true, false]);
      db.off("query", listen);
      expect(inserts).to.have.length(1);
      expect(await db("koogate_nonces").orderBy("nonce").pluck("nonce")).to.deep.equal(["late-1", "late-2", "late-3"]);
    } finally {
      await db.destroy();
    }
  });
});
