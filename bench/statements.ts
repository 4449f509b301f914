/**
 * Where the database time of a call goes: koogate in this process, with knex's 'query' event counting
 * the SQL statements each kind of call sends (BEGIN/COMMIT included), and the statements of one call shown.
 */
import { readSettings, withServer } from "../core/settings/index.js";
import { createLogger } from "../core/logger.js";
import { createKoogate } from "../server/composition.js";
import { sendSigned } from "../test/support/client.js";
import { BenchSaasAdapter } from "./bench-adapter.js";
import { BENCH_KEY } from "./product.js";

export async function countStatements(sqliteFile: string, productsDir: string): Promise<string[]> {
  const settings = readSettings({ BENCH_BASIC_KEY: BENCH_KEY, BENCH_KIT_KEY: "bench-kit-key" });
  const koogate = await createKoogate({
    settings: withServer(settings, { databaseUrl: `sqlite:${sqliteFile}`, productsDir, port: 0 }),
    logger: createLogger({ level: "silent" }),
    adapters: [BenchSaasAdapter],
  });
  const server = await koogate.listen(0, "127.0.0.1");
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  let sql: string[] = [];
  koogate.db.on("query", (q: { sql: string }) => sql.push(q.sql));
  const send = (body: object) => sendSigned(url, body, { product: "bench", key: BENCH_KEY });

  const lines: string[] = [];
  // A lone call shows every statement it needs; 64 calls at once show what group commit shares.
  const CONCURRENT = 64;
  const measure = async (label: string, make: (i: number) => object, n = 20) => {
    sql = [];
    for (let i = 0; i < n; i++) await send(make(i));
    const perCall = sql.length / n;
    const one = sql.slice(-Math.round(perCall)).map((s) => s.replace(/\s+/g, " ").slice(0, 110));
    sql = [];
    await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => send(make(n + i))));
    const shared = sql.length / CONCURRENT;
    lines.push(`${label}: ${perCall.toFixed(1)} statements for a lone call, ${shared.toFixed(2)} per call with ${CONCURRENT} at once`);
    for (const s of one) lines.push(`    ${s}`);
  };
  await measure("newInstance, fresh order", (i) => ({ activity: "newInstance", orderId: `S${i}`, orderLineId: `S${i}-1`, businessId: `s-${i}` }));
  await measure("queryInstance", (i) => ({ activity: "queryInstance", instanceId: `s-${i}` }));
  await measure("newInstance, resend", (i) => ({ activity: "newInstance", orderId: `S${i}`, orderLineId: `S${i}-1`, businessId: `s-again-${i}` }));
  await koogate.close();
  return lines;
}
