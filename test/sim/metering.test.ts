/**
 * `koogate sim <product> metering` against the real server and a local marketplace, and against real
 * servers whose open-API client is deliberately broken in one way each: the scenario must pass the first
 * and fail each broken one for its fault.
 */
import { expect } from "chai";
import { MarketplaceClient, type UsageRecord } from "../../core/marketplace/client.js";
import { marketplaceSettings } from "../../core/settings/index.js";
import type { UsagePushData } from "../../core/marketplace/data.js";
import type { MarketplaceResult } from "../../core/marketplace/answers.js";
import { misfit } from "../../core/simulation/scenario.js";
import { metering } from "../../core/kinds/saas/scenarios/metering.js";
import { testDatabaseKind } from "../support/database.js";
import { startRig, type MarketplaceRig } from "../support/marketplace-setup.js";
import { failures, fakeProduct, run, targetOf } from "../support/sim.js";
import { eventually } from "../support/wait.js";

type Push = { records: readonly UsageRecord[]; key: string };

/** Takes a push that failed for accepted: its records are marked pushed and never sent again. */
class LosingClient extends MarketplaceClient {
  override async pushUsage(p: Push): Promise<MarketplaceResult<UsagePushData>> {
    const r = await super.pushUsage(p);
    return r.ok ? r : { ok: true, data: { abnormal: [] }, code: "MKT.0000", status: 200, attempts: 1 };
  }
}

/** Signs pushes with a key that is not the product's basic key. */
class WrongKeyClient extends MarketplaceClient {
  override pushUsage(p: Push): Promise<MarketplaceResult<UsagePushData>> {
    return super.pushUsage({ ...p, key: "not-the-basic-key" });
  }
}

/** Loses the answer to its first accepted push and pushes the records again under new metering_sn values. */
class RenumberingClient extends MarketplaceClient {
  private pushes = 0;
  override async pushUsage(p: Push): Promise<MarketplaceResult<UsagePushData>> {
    const n = this.pushes++;
    const records = n === 0 ? p.records : p.records.map((u) => ({ ...u, metering_sn: `${u.metering_sn.slice(0, 60)}${String(n).padStart(4, "0")}` }));
    const r = await super.pushUsage({ ...p, records });
    return r.ok && n === 0 ? { ok: false, family: "network", kind: "unavailable", code: "ECONNRESET", message: "the answer was lost", status: 0, attempts: 1 } : r;
  }
}

const client = (C: typeof MarketplaceClient) => (env: Record<string, string>) => new C({ ...marketplaceSettings(env), retries: 0 });

describe(`koogate sim metering (${testDatabaseKind})`, function () {
  this.timeout(40_000);
  let rig: MarketplaceRig;
  afterEach(() => rig.close());
  const FAST = { KOOGATE_USAGE_FLUSH_SECONDS: "1" };
  const play = (extra: Record<string, string> = {}) => run("metering", targetOf(rig.server), { marketplace: rig.mkt.url, database: rig.server.databaseUrl, wait: "8000", ...extra });

  it("passes every step: the record arrives once, signed with the basic key, after a failed push", async () => {
    rig = await startRig({ env: FAST });
    const r = await play();
    expect(failures(r)).to.deep.equal([]);
    expect(r.steps.map((s) => s.activity)).to.deep.equal(["newInstance", "usage recorded", "marked pushed", "usage arrived once"]);
    const pushes = rig.mkt.state.calls.filter((c) => c.path.endsWith("/usage-data"));
    expect(pushes[0], "the first push was failed").to.include({ fault: "500" });
    expect(rig.mkt.state.usage).to.have.length(1);
  });

  it("fails with a message naming KOOGATE_USAGE_FLUSH_SECONDS when the server does not push in time", async () => {
    rig = await startRig({ env: { KOOGATE_USAGE_FLUSH_SECONDS: "86400" } });
    // the push queued at start has run (nothing pending then); the next is a day away
    await eventually(async () => (await rig.server.koogate.db("koogate_jobs").where({ activity: "pushUsage", state: "done" })).length === 1, "the push queued at start");
    const r = await play({ wait: "1500" });
    expect(failures(r)).to.have.length(1);
    expect(failures(r)[0]).to.match(/^3 usage arrived: record [0-9a-f]{12}… did not arrive at the local marketplace within 1500 ms \(0 usage push\(es\) seen.*KOOGATE_USAGE_FLUSH_SECONDS \(default 3600\): start it with a short one/);
  });

  it("fails a server that takes a failed push for accepted (the record is lost)", async () => {
    rig = await startRig({ env: FAST, client: client(LosingClient) });
    // enough faults for every push that may run at once (two flush periods' jobs can overlap)
    const f = failures(await play({ wait: "4000", fail: "3" }));
    expect(f).to.have.length(1);
    expect(f[0]).to.match(/^3 usage arrived: record \w+… did not arrive .* \(([1-3]) usage push\(es\) seen: \1 answered with the injected fault, 0 not verifying/);
  });

  it("fails a server that signs its pushes with another key than the product's basic key", async () => {
    rig = await startRig({ env: FAST, client: client(WrongKeyClient) });
    const f = failures(await play({ wait: "4000", fail: "0" }));
    expect(f).to.have.length(1);
    expect(f[0]).to.match(/usage push\(es\) seen: 0 answered with the injected fault, [1-9]\d* not verifying with test-saas's basic key/);
  });

  it("fails a server that pushes a window again under a new metering_sn after a lost answer", async () => {
    rig = await startRig({ env: FAST, client: client(RenumberingClient) });
    const f = failures(await play({ fail: "0" }));
    expect(f).to.have.length(1);
    expect(f[0]).to.match(/^4 usage arrived once: the local marketplace holds 2 records for \S+ \(metering_sn/);
  });

  it("is refused for a product without metering, naming the setting", () => {
    expect(misfit(metering, fakeProduct("k"))).to.equal("metering needs metering; fake does not enable it (metering.enabled in (test), docs/marketplace/api-image-openapi.md §4)");
  });
});
