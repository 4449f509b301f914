/**
 * `koogate calls`: the per-buyer call log of API listings (./call-log.ts), read from the
 * server's database: when each gateway call came, for which product and buyer, the gateway's request
 * id, the status answered, what became of it, how long it took and how many bytes went each way.
 */
import { EXIT, optionLines, parse, str, type Io } from "../../cli/args.js";
import { missingDatabase, windowOf } from "../../cli/log-window.js";
import { createLogger } from "../../logger.js";
import { createDatabase } from "../../store/database.js";
import type { KindCommand } from "../kind.js";
import { API_CALLS_TABLE, CallLog, type CallRecord } from "./call-log.js";

const OPTIONS = {
  product: { type: "string", description: "only this product id" },
  buyer: { type: "string", description: "only this buyer (X-Customer-Id)" },
  since: { type: "string", description: "only calls from then on: an ISO time, ms since the epoch, or an age like 30s, 10m, 2h, 1d" },
  limit: { type: "string", description: "at most this many (the newest)", default: "100" },
  json: { type: "boolean", description: "print JSON instead of text" },
} as const;

const callsHelp = [
  "Usage: koogate calls [--product P] [--buyer B] [--since T] [--limit N] [--json]",
  "",
  "Prints the call log of API listings from the server's database (KOOGATE_DATABASE_URL), oldest first:",
  "time, product, buyer, request id, method, status, outcome, latency, bytes in/out, note.",
  "",
  ...optionLines({ ...OPTIONS, help: { type: "boolean", description: "show this help" } }),
].join("\n");

async function calls(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, OPTIONS, false);
  if (values.help) {
    io.out(callsHelp);
    return EXIT.ok;
  }
  const { limit, since } = windowOf(values);
  // imported when run: the project module reads the registry, which imports this kind
  const { loadProject } = await import("../../project/index.js");
  const url = (await loadProject({ env: io.env, importAdapters: false })).config.databaseUrl;
  if (missingDatabase("calls", url, io)) return EXIT.failed;
  const db = createDatabase(url);
  try {
    if (!(await db.schema.hasTable(API_CALLS_TABLE))) {
      io.err("koogate calls: no API call log yet; start the server once with an api listing (npm start)");
      return EXIT.failed;
    }
    const rows = await new CallLog(db, createLogger({ level: "silent" })).list({ productId: str(values, "product"), buyerId: str(values, "buyer"), since, limit });
    if (values.json) io.out(JSON.stringify(rows.map((r) => ({ ...r, time: new Date(r.at).toISOString() })), null, 2));
    else if (rows.length === 0) io.out("no calls");
    else for (const r of rows) io.out(formatCall(r));
    return EXIT.ok;
  } finally {
    await db.destroy();
  }
}

function formatCall(r: CallRecord): string {
  return [
    new Date(r.at).toISOString(),
    r.productId,
    (r.buyerId || "-").padEnd(24),
    (r.requestId || "-").padEnd(36),
    r.method.padEnd(6),
    String(r.status),
    r.outcome.padEnd(16),
    `${r.durationMs} ms`.padStart(7),
    `${r.bytesIn}/${r.bytesOut} B`,
    r.note ?? "",
  ]
    .join("  ")
    .trimEnd();
}

/** The API kind's commands (`Kind.commands`). */
export const API_COMMANDS: Readonly<Record<string, KindCommand>> = {
  calls: { run: calls, summary: "read the call log of API listings (per buyer: status, latency, bytes)" },
};
