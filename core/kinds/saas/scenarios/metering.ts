/**
 * Pay-per-use usage end to end (docs/marketplace/api-image-openapi.md §4): an instance is bought, the local
 * marketplace is told to fail the next push, usage is recorded in koogate's database through the code
 * path of `koogate usage record`, and the record must arrive at the local marketplace exactly once —
 * one metering_sn, the one recorded, signed with the product's basic key — and be marked pushed.
 *
 * The server pushes every KOOGATE_USAGE_FLUSH_SECONDS (default 3600): play this against a server
 * started with a short one (2 s, say), or the record cannot arrive within --wait.
 */
import { UsageLedger } from "../../../metering/ledger.js";
import { usageTime } from "../../../metering/record.js";
import { UsageStore } from "../../../metering/store.js";
import { createDatabase } from "../../../store/database.js";
import { InstanceStore } from "../../../store/instances.js";
import { DATABASE_OPTION, databaseUrl, LocalMarketplaceClient, MARKETPLACE_OPTION, marketplaceUrl, msOption, within } from "../../../simulation/local-marketplace-client.js";
import type { ReceivedCall } from "../../../simulation/local-marketplace.js";
import { ScenarioUsageError, type Scenario } from "../../../simulation/scenario.js";
import { purchase } from "../../../simulation/scenarios/purchase.js";
import { forSaas } from "./requirements.js";

const PUSH_PATH = "/v1/isv/usage-data";
const HOUR = 3_600_000;

export const metering: Scenario = {
  name: "metering",
  summary: "record usage; it reaches the local marketplace once, signed, after a failed push",
  ...forSaas("v2", "metering"),
  needs: "protocol v2, metering, a server with a short KOOGATE_USAGE_FLUSH_SECONDS (e.g. 2) and its database",
  options: {
    marketplace: MARKETPLACE_OPTION,
    database: { ...DATABASE_OPTION, description: "the server's database (as KOOGATE_DATABASE_URL), where the usage is recorded; default KOOGATE_DATABASE_URL (required)" },
    value: { type: "string", description: "the usage recorded for the last hour", default: "1.5" },
    fail: { type: "string", description: "open-API calls the local marketplace answers with HTTP 500 first", default: "1" },
    wait: { type: "string", description: "ms to wait for the record at the local marketplace (the server must flush within it)", default: "30000" },
  },
  async run(ctx) {
    const p = ctx.target.product;
    const mkt = new LocalMarketplaceClient(marketplaceUrl(ctx, "metering"));
    const dbUrl = databaseUrl(ctx);
    if (dbUrl === undefined) throw new ScenarioUsageError("metering records usage in the server's database: give --database or KOOGATE_DATABASE_URL");
    const value = Number(ctx.option("value", true));
    const fail = Number(ctx.option("fail", true));
    if (!Number.isInteger(fail) || fail < 0 || fail > 100) throw new ScenarioUsageError("--fail must be a whole number from 0 to 100");
    const waitMs = msOption(ctx, "wait");

    const { keyIds } = await mkt.usage();
    if (!keyIds.includes(p.id)) {
      ctx.check("usage key", `the local marketplace verifies no usage pushes of ${p.id}: start it with koogate marketplace --usage-key ${p.id}=<variable of its basic key>`);
      return;
    }
    const { instanceId } = await purchase(ctx);
    await mkt.failNext(fail, "500");

    const end = Math.floor(ctx.now() / 1000) * 1000 - 1000;
    const window = { begin: end - HOUR, end };
    const db = createDatabase(dbUrl);
    let sn: string;
    try {
      const ledger = new UsageLedger(new UsageStore(db), new InstanceStore(db), { now: () => ctx.now() });
      sn = (await ledger.recordFor(p, { instanceId, value, begin: new Date(window.begin), end: new Date(window.end) }, "cli")).meteringSn;
      ctx.check("usage recorded", null, `${value} for ${instanceId}, metering_sn ${sn.slice(0, 12)}…`);
    } catch (e) {
      await db.destroy();
      ctx.check("usage recorded", `koogate usage record's code path refused it: ${(e as Error).message}`);
      return;
    }

    try {
      const arrived = await within(ctx, waitMs, async () => (await mkt.usage()).records.find((r) => r.metering_sn === sn));
      const pushes = (await mkt.calls()).filter((c) => c.path.endsWith(PUSH_PATH));
      if (!arrived) return void ctx.check("usage arrived", notArrived(sn, waitMs, pushes, p.id));
      // counted once koogate has settled the record: a push it retried after an answer it lost has gone out by then
      const store = new UsageStore(db);
      const state = await within(ctx, waitMs, async () => ((await store.bySn(sn))?.state === "pushed" ? "pushed" : undefined));
      ctx.check("marked pushed", state ? null : `the record is still ${(await store.bySn(sn))?.state ?? "missing"} in koogate's database ${waitMs} ms after the marketplace accepted it`);
      const mine = (await mkt.usage()).records.filter((r) => r.record.instance_id === instanceId);
      const sns = [...new Set(mine.map((r) => r.metering_sn))];
      const problems: string[] = [];
      if (mine.length !== 1 || sns.length !== 1) problems.push(`the local marketplace holds ${mine.length} records for ${instanceId} (metering_sn ${sns.map((s) => `${s.slice(0, 12)}…`).join(", ")}), expected exactly the one recorded: a window must keep its metering_sn on every push`);
      if (arrived.keyId !== p.id) problems.push(`it verified with the basic key of ${arrived.keyId}, not ${p.id}'s (docs/marketplace/api-image-openapi.md §4)`);
      const want = { instance_id: instanceId, usage_value: value, begin_time: usageTime(window.begin), end_time: usageTime(window.end) };
      for (const [k, v] of Object.entries(want)) if (arrived.record[k] !== v) problems.push(`${k} ${JSON.stringify(arrived.record[k])}, expected ${JSON.stringify(v)}`);
      const faulted = pushes.filter((c) => c.fault).length;
      ctx.check("usage arrived once", problems.length ? problems.join("; ") : null, `signed with ${p.id}'s basic key, after ${faulted} failed push attempt(s)`);
    } finally {
      await db.destroy();
    }
  },
};

/** Why the record did not arrive, as far as the local marketplace's call log tells. */
function notArrived(sn: string, waitMs: number, pushes: readonly ReceivedCall[], productId: string): string {
  const faulted = pushes.filter((c) => c.fault).length;
  const invalid = pushes.filter((c) => c.signature === "invalid").length;
  const seen = `${pushes.length} usage push(es) seen: ${faulted} answered with the injected fault, ${invalid} not verifying with ${productId}'s basic key`;
  return (
    `record ${sn.slice(0, 12)}… did not arrive at the local marketplace within ${waitMs} ms (${seen}). ` +
    "The server pushes every KOOGATE_USAGE_FLUSH_SECONDS (default 3600): start it with a short one (e.g. 2) and KOOGATE_MARKETPLACE_URL set to this local marketplace"
  );
}
