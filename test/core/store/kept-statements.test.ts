import "reflect-metadata";
import { expect } from "chai";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Knex } from "knex";
import { jsonRowsOfBuilder } from "../../../core/store/json-rows.js";
import { createDatabase } from "../../../core/store/database.js";
import { freshDatabaseUrl, testDatabaseKind } from "../../support/database.js";
import { statementsDuring } from "../../support/statements.js";

async function withTable(db: Knex): Promise<void> {
  await db.schema.createTable("t", (t) => {
    t.increments("id");
    t.string("k", 32).notNullable().unique();
    t.string("v", 32).nullable();
  });
}

/** Every kind of data statement koogate runs, with what knex answers for each. */
async function everyAnswer(db: Knex): Promise<unknown[]> {
  const out: unknown[] = [];
  out.push(await db("t").insert({ k: "a", v: "1" }));
  out.push(await db("t").insert({ k: "b", v: null }).returning(["id", "k", "v"]));
  out.push(await db("t").insert([{ k: "c", v: "3" }, { k: "d", v: "4" }]).onConflict("k").ignore().returning(["k"]));
  out.push(await db("t").insert({ k: "c", v: "x" }).onConflict("k").ignore().returning(["k"]));
  out.push(await db("t").where("k", "a").update({ v: "one" }));
  out.push(await db("t").where("k", "zz").update({ v: "none" }));
  out.push(await db("t").where("k", "d").increment("id", 0));
  out.push(await db("t").orderBy("k").select("k", "v"));
  out.push(await db("t").where("k", "b").first("k", "v"));
  out.push(await db("t").orderBy("k").pluck("k"));
  out.push(await db("t").where("k", "c").delete());
  out.push(await db("t").where("k", "c").delete());
  out.push(await db("t").count({ n: "*" }));
  return out;
}

describe("SQLite statements kept by the driver (issue 21)", () => {
  const sqliteFile = () => join(mkdtempSync(join(tmpdir(), "koogate-kept-")), "db.sqlite");

  it("answers every kind of data statement exactly as knex does without kept statements", async () => {
    const kept = createDatabase(`sqlite:${sqliteFile()}`);
    const plain = createDatabase(`sqlite:${sqliteFile()}`, { keepStatements: false });
    try {
      await withTable(kept);
      await withTable(plain);
      // twice: the second time every statement is one kept from the first
      for (let round = 0; round < 2; round++) {
        if (round === 1) await Promise.all([kept("t").delete(), plain("t").delete()]);
        expect(await everyAnswer(kept)).to.deep.equal(await everyAnswer(plain));
      }
    } finally {
      await kept.destroy();
      await plain.destroy();
    }
  });

  it("runs a kept statement again with the new values only, a null where the last run had a value", async () => {
    const db = createDatabase(`sqlite:${sqliteFile()}`);
    try {
      await withTable(db);
      await db("t").insert({ k: "a", v: "set" });
      await db("t").insert({ k: "b", v: null });
      expect(await db("t").orderBy("k").select("k", "v")).to.deep.equal([
        { k: "a", v: "set" },
        { k: "b", v: null },
      ]);
    } finally {
      await db.destroy();
    }
  });

  it("refuses a duplicate through a kept statement, then runs the same statement for a new row", async () => {
    const db = createDatabase(`sqlite:${sqliteFile()}`);
    try {
      await withTable(db);
      await db("t").insert({ k: "a", v: "1" });
      const err = await db("t").insert({ k: "a", v: "2" }).catch((e: Error) => e);
      expect(String(err)).to.match(/UNIQUE constraint failed: t\.k/);
      await db("t").insert({ k: "b", v: "2" });
      expect(await db("t").orderBy("k").pluck("k")).to.deep.equal(["a", "b"]);
    } finally {
      await db.destroy();
    }
  });

  it("undoes a kept statement's change when its transaction rolls back", async () => {
    const db = createDatabase(`sqlite:${sqliteFile()}`);
    try {
      await withTable(db);
      await db("t").insert({ k: "a", v: "1" });
      await db.transaction(async (trx) => {
        await trx("t").insert({ k: "b", v: "2" });
        await trx("t").where("k", "a").delete();
        throw new Error("rolled back");
      }).catch(() => undefined);
      expect(await db("t").pluck("k")).to.deep.equal(["a"]);
    } finally {
      await db.destroy();
    }
  });

  it("closes the connection, statements kept or let go, so that SQLite ends its write-ahead log", async () => {
    const file = sqliteFile();
    const db = createDatabase(`sqlite:${file}`);
    await withTable(db);
    for (let i = 0; i < 20; i++) await db("t").insert({ k: `k${i}`, v: String(i) });
    // and statements too long to keep (prepared, run, let go) or too many to keep (the oldest let go)
    await db("t").insert(Array.from({ length: 400 }, (_, i) => ({ k: `long${i}`, v: String(i) })));
    for (let n = 1; n <= 120; n++) await db("t").whereIn("k", Array.from({ length: n }, (_, i) => `k${i}`)).select("k");
    expect(await db("t").count({ n: "*" })).to.deep.equal([{ n: 420 }]);
    expect(existsSync(`${file}-wal`)).to.equal(true);
    await db.destroy();
    // the last connection to close checkpoints and deletes the log; an open statement would keep it open
    expect(existsSync(`${file}-wal`)).to.equal(false);
  });
});

describe(`an insert of many rows as one JSON text, its SQL knex's own for one row, on ${testDatabaseKind}`, () => {
  let db: Knex;
  before(async () => {
    db = createDatabase(await freshDatabaseUrl());
    await withTable(db);
    await db.schema.createTable("n", (t) => {
      t.string("name", 32).primary();
      t.bigInteger("at").notNullable();
      t.integer("count").notNullable();
    });
  });
  after(() => db.destroy());

  it("writes and returns what knex's builder would, for batches of several sizes, nulls and a conflict among them", async () => {
    const insert = jsonRowsOfBuilder<{ k: string; v: string | null }>(["k", "v"], (rows) => db("t").insert(rows).onConflict("k").ignore().returning(["k", "v"]), "all");
    expect(await insert.run(db, [{ k: "j1", v: "1" }])).to.deep.equal([{ k: "j1", v: "1" }]);
    const r3 = await insert.run(db, [{ k: "j2", v: null }, { k: "j3", v: "it's \"quoted\", 漢字 and \\" }, { k: "j1", v: "again" }]);
    expect(r3).to.have.deep.members([{ k: "j2", v: null }, { k: "j3", v: "it's \"quoted\", 漢字 and \\" }]);
    expect(await db("t").where("k", "like", "j%").orderBy("k").select("k", "v")).to.deep.equal([
      { k: "j1", v: "1" },
      { k: "j2", v: null },
      { k: "j3", v: "it's \"quoted\", 漢字 and \\" },
    ]);
  });

  it("keeps integers as integers, and upserts with knex's merge as the builder does", async () => {
    const upsert = jsonRowsOfBuilder<{ name: string; at: number; count: number }>(["name", "at", "count"], (rows) =>
      db("n").insert(rows).onConflict("name").merge({ count: db.raw("n.count + excluded.count") }).returning(["name", "at", "count"]), "all");
    const at = 1_765_000_000_000;
    await upsert.run(db, [{ name: "a", at, count: 1 }, { name: "b", at, count: 2 }]);
    const after = await upsert.run<{ name: string; at: number | string; count: number }>(db, [{ name: "a", at, count: 3 }]);
    expect(after.map((r) => [r.name, Number(r.at), r.count])).to.deep.equal([["a", at, 4]]);
    expect(await db("n").where("name", "b").first("at", "count").then((r: { at: number | string; count: number }) => [Number(r.at), r.count])).to.deep.equal([at, 2]);
    if (testDatabaseKind === "sqlite") expect(await db("n").distinct(db.raw("typeof(at) as t, typeof(count) as c"))).to.deep.equal([{ t: "integer", c: "integer" }]);
  });

  it("runs one SQL text for every number of rows, so SQLite prepares it once (a text per size outgrew the kept statements)", async () => {
    const insert = jsonRowsOfBuilder<{ k: string; v: string | null }>(["k", "v"], (rows) => db("t").insert(rows), "run");
    const { sql: seen } = await statementsDuring(db, async () => {
      for (const n of [1, 2, 7, 64]) await insert.run(db, Array.from({ length: n }, (_, i) => ({ k: `s${n}-${i}`, v: String(i) })));
    });
    expect(seen).to.have.length(4);
    expect(await db("t").where("k", "like", "s%").count({ n: "*" }).then((r) => Number(r[0]!.n))).to.equal(74);
    if (testDatabaseKind === "sqlite") expect(new Set(seen).size).to.equal(1);
  });

  it("refuses, as a programming error, a statement that does not bind every value of its rows once", async () => {
    const partial = jsonRowsOfBuilder<{ k: string; v: string }>(["k", "v"], (rows) => db("t").insert(rows.map((r) => ({ k: r.k }))), "run");
    const err = await partial.run(db, [{ k: "p1", v: "1" }]).then(() => null, (e: Error) => e);
    if (testDatabaseKind === "sqlite") expect(String(err)).to.match(/not a plain insert of the row's 2 values/);
    else expect(await db("t").where("k", "p1").pluck("k")).to.deep.equal(["p1"]); // PostgreSQL runs the builder as before
  });
});
