/**
 * (a2) The floor of this stack for the same work: Koa, the raw body, the 2.0 signature checked with
 * koogate's own verifier, ONE knex statement on the same kind of SQLite database (an insert for
 * writes, an indexed select for reads), and the answer signed with Body-Sign.
 *
 *   node dist/bench/servers/floor.js insert|select <sqlite file>
 */
import Koa from "koa";
import { verifyBasic } from "../../core/signing/basic.js";
import { BODY_SIGN_HEADER, signBody } from "../../core/signing/body-sign.js";
import { createDatabase } from "../../core/store/database.js";
import { readRawBody } from "../../core/serving/raw-body.js";
import { BENCH_KEY } from "../product.js";
import { announce } from "./listen.js";

const mode = process.argv[2] === "select" ? "select" : "insert";
// knex as it comes: the floor is one statement through knex's builder and the driver's usual call
const db = createDatabase(`sqlite:${process.argv[3]}`, { keepStatements: false });
/** rows the select case reads (ids "seed-0" … "seed-9999") */
export const FLOOR_SEED_ROWS = 10_000;

async function prepare(): Promise<void> {
  await db.schema.createTable("floor_rows", (t) => {
    t.string("id", 64).primary();
    t.text("body").notNullable();
    t.bigInteger("at").notNullable();
  });
  for (let i = 0; i < FLOOR_SEED_ROWS; i += 500) {
    await db("floor_rows").insert(Array.from({ length: 500 }, (_, j) => ({ id: `seed-${i + j}`, body: "{}", at: Date.now() })));
  }
}

const app = new Koa();
app.use(async (ctx) => {
  const raw = await readRawBody(ctx.req, 65536);
  verifyBasic({ rawBody: raw.bytes, query: new URLSearchParams(ctx.querystring), keys: [BENCH_KEY], nowMs: Date.now() });
  const body = JSON.parse(raw.bytes.toString("utf8")) as { businessId?: string; instanceId?: string };
  let instanceId: string | undefined;
  if (mode === "insert") {
    await db("floor_rows").insert({ id: body.businessId, body: raw.bytes.toString("utf8"), at: Date.now() });
    instanceId = body.businessId;
  } else {
    const row = await db("floor_rows").where("id", body.instanceId).first();
    instanceId = row?.id;
  }
  const bytes = Buffer.from(JSON.stringify({ resultCode: "000000", resultMsg: "success.", instanceId }));
  ctx.set(BODY_SIGN_HEADER, signBody(BENCH_KEY, bytes));
  ctx.type = "application/json; charset=utf-8";
  ctx.body = bytes;
});

await prepare();
const server = app.listen(0, "127.0.0.1", () =>
  announce(server, async () => {
    server.close();
    await db.destroy();
  }),
);
