/**
 * `koogate usage`: pay-per-use usage records (core/metering/) in the server's database.
 *
 *   koogate usage record --product P --instance I --value N --begin T --end T   (corrections, backfills)
 *   koogate usage list [--product P] [--instance I] [--state S] [--limit N] [--json]
 *
 * A record is validated like every other path (value > 0 with at most 4 decimals, begin < end, not
 * older than 21 days, instance known) and stored pending; the running server pushes it at its next
 * flush (KOOGATE_USAGE_FLUSH_SECONDS).
 */
import { loadProject } from "../../core/project/index.js";
import { KINDS } from "../../core/kinds/index.js";
import { UsageLedger, UsageRefused } from "../../core/metering/ledger.js";
import type { StoredUsage } from "../../core/metering/record.js";
import { UsageStore, USAGE_TABLE } from "../../core/metering/store.js";
import { createDatabase } from "../../core/store/database.js";
import { InstanceStore } from "../../core/store/instances.js";
import { systemClock } from "../../core/tokens.js";
import { loadAllProducts } from "../../sim/target.js";
import { parseDecimal } from "../../core/numbers.js";
import { EXIT, optionLines, parse, str, UsageError, wholeOption, type Io } from "../../core/cli/args.js";

const OPTIONS = {
  product: { type: "string", description: "the product id (record: required)" },
  instance: { type: "string", description: "the instanceId (record: required)" },
  value: { type: "string", description: "record: the usage, > 0, at most 4 decimals" },
  begin: { type: "string", description: "record: start of the window, ISO time (2026-12-01T10:00:00Z)" },
  end: { type: "string", description: "record: end of the window, ISO time" },
  state: { type: "string", description: "list: only pending, pushed or rejected" },
  limit: { type: "string", description: "list: at most this many, newest first", default: "100" },
  json: { type: "boolean", description: "list: print JSON instead of text" },
} as const;

export const usageHelp = [
  "Usage: koogate usage record --product P --instance I --value N --begin T --end T",
  "       koogate usage list [--product P] [--instance I] [--state pending|pushed|rejected] [--limit N] [--json]",
  "",
  "Records pay-per-use usage of a metered listing (metering: { enabled: true }) in the server's database",
  "(KOOGATE_DATABASE_URL); the running server pushes it to KooGallery at its next flush. `list` shows each",
  "record's state: pending, pushed, or rejected with the marketplace's reason.",
  "",
  ...optionLines({ ...OPTIONS, help: { type: "boolean", description: "show this help" } }),
].join("\n");

function time(values: Record<string, unknown>, name: "begin" | "end"): Date {
  const v = str(values as never, name);
  if (v === undefined) throw new UsageError(`--${name} is required`);
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--${name} ${v} is not an ISO time like 2026-12-01T10:00:00Z`);
  return d;
}

export async function usage(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS, true);
  const action = positionals[0];
  if (values.help || action === undefined) {
    io.out(usageHelp);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (action !== "record" && action !== "list") throw new UsageError(`unknown action "${action}"; record or list`);
  const project = await loadProject({ env: io.env });
  const db = createDatabase(project.config.databaseUrl);
  try {
    if (!(await db.schema.hasTable(USAGE_TABLE))) {
      io.err("koogate usage: the database has no usage table yet; start the server once (koogate serve)");
      return EXIT.failed;
    }
    const store = new UsageStore(db);
    if (action === "list") return await list(store, values, io);
    const productId = str(values, "product");
    const instanceId = str(values, "instance");
    if (!productId || !instanceId) throw new UsageError("--product and --instance are required");
    const valueText = str(values, "value");
    const value = valueText === undefined ? undefined : parseDecimal(valueText);
    if (value === undefined) throw new UsageError("--value must be a number in decimal digits, like 12 or 0.5 (not 0x10, 1e3 or with spaces)");
    const product = loadAllProducts(project.settings, project.adapters, KINDS, { productsDir: project.config.productsDir, adapterHint: project.adapterHint }).products.find((p) => p.id === productId);
    if (!product) {
      io.err(`koogate usage: no product ${productId} in the products folder`);
      return EXIT.failed;
    }
    try {
      const r = await new UsageLedger(store, new InstanceStore(db), systemClock).recordFor(product, { instanceId, value, begin: time(values, "begin"), end: time(values, "end") }, "cli");
      io.out(r.added ? `recorded ${r.meteringSn} (pending; pushed at the server's next flush)` : `already recorded: ${r.meteringSn}`);
      return EXIT.ok;
    } catch (e) {
      if (!(e instanceof UsageRefused)) throw e;
      io.err(`koogate usage: refused: ${e.message}`);
      return EXIT.failed;
    }
  } finally {
    await db.destroy();
  }
}

async function list(store: UsageStore, values: Record<string, string | boolean | undefined>, io: Io): Promise<number> {
  const state = str(values, "state");
  if (state !== undefined && !["pending", "pushed", "rejected"].includes(state)) throw new UsageError("--state must be pending, pushed or rejected");
  const limit = wholeOption(values, "limit", { min: 1, max: 100_000, dflt: 100 });
  const rows = await store.list({ productId: str(values, "product"), instanceId: str(values, "instance"), state: state as StoredUsage["state"] | undefined, limit });
  if (values.json) {
    io.out(JSON.stringify(rows, null, 2));
    return EXIT.ok;
  }
  if (rows.length === 0) io.out("no usage records");
  for (const r of rows) {
    const why = r.state === "rejected" ? `  ${r.errorCode ?? ""} ${r.errorMsg ?? ""}`.trimEnd() : "";
    io.out(`${r.productId}  ${r.instanceId.padEnd(36)}  ${new Date(r.beginAt).toISOString()} → ${new Date(r.endAt).toISOString()}  ${r.usageValue.padStart(10)}  ${r.state.padEnd(8)}  ${r.meteringSn.slice(0, 12)}…${why}`);
  }
  return EXIT.ok;
}
