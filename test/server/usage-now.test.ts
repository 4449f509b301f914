/**
 * Usage in real time (docs/marketplace/lifecycle.md "Usage in real time"; saas.md §4.2): queryInstance
 * asks the adapter's currentUsage() hook within its budget, answers the recorded windows when the hook
 * is absent or late, and says which; a package answers what is left of it. Also: metering and order
 * notification on an online License listing.
 */
import { expect } from "chai";
import { inject, injectable } from "tsyringe";
import type { CurrentUsage } from "../../core/metering/hook.js";
import { DATABASE, type Knex } from "../../core/tokens.js";
import { testDatabaseKind } from "../support/database.js";
import { LICENSE_ENV, licenseYaml, RecordingLicenseAdapter } from "../support/license.js";
import { notifyBody, TEST_GENERAL_KEY } from "../support/marketplace-setup.js";
import { newInstanceBody } from "../support/orders.js";
import { recordingYaml, RecordingAdapter } from "../support/recording-adapter.js";
import { startServer, type TestServer } from "../support/server.js";

/** What the backends answer for usage now, by instance; how long they take. */
const backend = { usage: new Map<string, CurrentUsage | number>(), delayMs: 0 };
async function currentUsage(instanceId: string): Promise<CurrentUsage | number | undefined> {
  if (backend.delayMs) await new Promise((r) => setTimeout(r, backend.delayMs));
  return backend.usage.get(instanceId);
}

@injectable()
export class UsageNowAdapter extends RecordingAdapter {
  constructor(@inject(DATABASE) db: Knex) {
    super(db);
  }
  currentUsage = currentUsage;
}

@injectable()
export class UsageNowLicenseAdapter extends RecordingLicenseAdapter {
  currentUsage = currentUsage;
}

describe(`queryInstance answers usage in real time (${testDatabaseKind})`, () => {
  let s: TestServer;
  const query = async (product: string, instanceId: string) => {
    const r = await s.send({ activity: "queryInstance", instanceId }, { product });
    expect(r.json.resultCode).to.equal("000000");
    return ((r.json.info as Array<{ usageInfo?: Array<Record<string, unknown>> }>)[0]!.usageInfo ?? [])[0];
  };
  const buy = async (product: string) => (await s.send(newInstanceBody(), { product })).json.instanceId as string;

  before(async () => {
    s = await startServer({
      products: {
        "hooked.yaml": recordingYaml("now-hooked", {}, "metering: { enabled: true, realtimeBudgetMs: 300 }").replace("RecordingAdapter", "UsageNowAdapter"),
        "plain.yaml": recordingYaml("now-plain", {}, "metering: { enabled: true }"),
        "package.yaml": recordingYaml("now-package", {}, "metering: { enabled: true, billing: package }").replace("RecordingAdapter", "UsageNowAdapter"),
        "online.yaml": licenseYaml("now-online", "online", "metering: { enabled: true }\norderNotify: { enabled: true }").replace("RecordingLicenseAdapter", "UsageNowLicenseAdapter").replace("  license: [TEST_LICENSE_KEY]", "  general: [TEST_GENERAL_KEY]"),
      },
      adapters: [RecordingAdapter, UsageNowAdapter, UsageNowLicenseAdapter],
      env: { ...LICENSE_ENV, TEST_GENERAL_KEY },
    });
  });
  after(() => s.close());
  beforeEach(() => {
    backend.usage.clear();
    backend.delayMs = 0;
  });

  it("answers the backend's usage before the first usage window has closed, saying it is real time", async () => {
    const id = await buy("now-hooked");
    backend.usage.set(id, 12.5);
    expect(await query("now-hooked", id)).to.include({ usageValue: 12.5, source: "realtime" });
  });

  it("answers the recorded usage (0 before the first window) when the adapter has no currentUsage() hook, saying so", async () => {
    const id = await buy("now-plain");
    expect(await query("now-plain", id)).to.include({ usageValue: 0, source: "recorded" });
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    await s.koogate.metering.record("now-plain", { instanceId: id, value: 2.5, begin: new Date(hour - 3_600_000), end: new Date(hour) });
    expect(await query("now-plain", id)).to.include({ usageValue: 2.5, source: "recorded" });
  });

  it("answers the recorded usage when the hook outlasts its budget", async () => {
    const id = await buy("now-hooked");
    backend.usage.set(id, 99);
    backend.delayMs = 1500;
    expect(await query("now-hooked", id)).to.include({ usageValue: 0, source: "recorded" });
  });

  it("answers a package's usage and what is left of it", async () => {
    const id = await buy("now-package");
    backend.usage.set(id, { usageValue: 3, remaining: 7 });
    expect(await query("now-package", id)).to.include({ usageValue: 3, remainingValue: 7, source: "realtime" });
  });

  it("answers an online License instance's usage in real time (metering accepted on the listing)", async () => {
    const id = await buy("now-online");
    backend.usage.set(id, 4);
    expect(await query("now-online", id)).to.include({ usageValue: 4, source: "realtime" });
  });

  it("accepts an orderNotify on an online License listing, signed with the general key, and queues the order's fetch", async () => {
    const orderId = `CSNOTIFY${Date.now()}`;
    const r = await s.send(notifyBody(orderId), { product: "now-online", key: TEST_GENERAL_KEY });
    expect(r.json.resultCode).to.equal("000000");
    expect(r.bodySignProblem).to.equal(null);
    expect(await s.koogate.db("koogate_jobs").where({ product_id: "now-online", activity: "fetchOrder" })).to.have.length(1);
  });
});
