/**
 * `koogate reconcile`: asks the marketplace's query order (docs/marketplace/api-image-openapi.md §3)
 * about every order koogate knows and reports where the two disagree (core/ops/reconcile.ts). Exit 0
 * when everything agrees, 1 when something is off or could not be checked.
 */
import { readSettings } from "../../core/settings/index.js";
import { MarketplaceClient } from "../../core/marketplace/client.js";
import { reconcile } from "../../core/ops/reconciler.js";
import { reportTable } from "../../core/ops/reconcile.js";
import { createDatabase } from "../../core/store/database.js";
import { INSTANCES_TABLE } from "../../core/store/instances.js";
import { RECONCILIATIONS_TABLE } from "../../core/store/reconciliations.js";
import { EXIT, optionLines, parse, str, type Io } from "../../core/cli/args.js";
import { parseSince } from "../../core/cli/log-window.js";

const OPTIONS = {
  since: { type: "string", description: "only orders whose instance changed (or that were notified), and usage recorded, since then: an ISO time, ms since the epoch, or an age like 2h, 7d" },
  json: { type: "boolean", description: "print the report as JSON" },
} as const;

export const reconcileHelp = [
  "Usage: koogate reconcile [--since T] [--json]",
  "",
  "For each order koogate knows (KOOGATE_DATABASE_URL: its instances, and notified orders without one), asks",
  "the marketplace's query order (KOOGATE_MARKETPLACE_URL, _AK, _SK) and reports: orders paid but not",
  "provisioned, instances whose order was released or unsubscribed, expiry dates that differ, orders the",
  "marketplace does not know, orders that could not be checked, and usage records still pending after their",
  "push was due (KOOGATE_USAGE_FLUSH_SECONDS) or rejected, with why. Exit 1 when anything is off. The report",
  "is kept for the /ops page.",
  "",
  ...optionLines({ ...OPTIONS, help: { type: "boolean", description: "show this help" } }),
].join("\n");

export async function reconcileCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, OPTIONS, false);
  if (values.help) {
    io.out(reconcileHelp);
    return EXIT.ok;
  }
  const sinceText = str(values, "since");
  const since = sinceText === undefined ? undefined : parseSince(sinceText, Date.now());
  const settings = readSettings(io.env);
  const config = settings.server;
  const client = MarketplaceClient.fromSettings(settings.marketplace);
  const db = createDatabase(config.databaseUrl);
  try {
    if (!(await db.schema.hasTable(INSTANCES_TABLE))) {
      io.err("koogate reconcile: the database has no instances yet; start the server once (npm start), or set KOOGATE_DATABASE_URL to the one it uses");
      return EXIT.failed;
    }
    const report = await reconcile({
      db,
      queryOrder: (q) => client.queryOrder(q),
      since,
      provisioningDeadlineMs: settings.ops.provisioningDeadlineMs,
      // a record is due at the first push after it was recorded
      usageDueMs: config.usageFlushSeconds * 1000,
      // a database the server has not migrated yet has nowhere to keep the report: print it only
      save: await db.schema.hasTable(RECONCILIATIONS_TABLE),
    });
    io.out(values.json ? JSON.stringify(report, null, 2) : reportTable(report));
    return report.mismatches.length === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await db.destroy();
  }
}
