/**
 * The delivery scenarios (docs/marketplace/lifecycle.md) against the real server: each passes with the
 * server's database to read, and says what it could not check without it.
 */
import { expect } from "chai";
import { testDatabaseKind } from "../support/database.js";
import { LICENSE_ENV, licenseYaml, RecordingLicenseAdapter } from "../support/license.js";
import { marketplaceEnvOf, startTestMarketplace, TEST_GENERAL_KEY } from "../support/marketplace-setup.js";
import { recordingYaml, RecordingAdapter } from "../support/recording-adapter.js";
import { startServer, type TestServer } from "../support/server.js";
import { failures, run, targetOf } from "../support/sim.js";

describe(`koogate sim: the delivery scenarios against the real server (${testDatabaseKind})`, () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({
      products: {
        "v2.yaml": recordingYaml("sim-v2", {}, "metering: { enabled: true }"),
        "v1.yaml": recordingYaml("sim-v1", {}, "protocol: v1"),
        "lic.yaml": licenseYaml("sim-lic-v1", "v1"),
        "online.yaml": licenseYaml("sim-online", "online", "metering: { enabled: true }"),
      },
      adapters: [RecordingAdapter, RecordingLicenseAdapter],
      env: LICENSE_ENV,
    });
  });
  after(() => s.close());

  for (const [scenario, product] of [
    ["expire-renew-expire", "sim-v2"],
    ["expire-renew-expire", "sim-v1"],
    ["license-expire-renew-expire", "sim-lic-v1"],
    ["calls-made-once", "sim-v2"],
    ["calls-made-once", "sim-v1"],
    ["license-calls-made-once", "sim-lic-v1"],
    ["usage-now", "sim-v2"],
    ["license-usage-now", "sim-online"],
    ["quantities", "sim-v1"],
    ["license-quantities", "sim-lic-v1"],
  ] as const) {
    it(`${scenario} passes on ${product}, its database checks included`, async () => {
      const r = await run(scenario, targetOf(s, product), { database: s.databaseUrl });
      expect(failures(r)).to.deep.equal([]);
      expect(r.steps.filter((x) => x.note?.startsWith("not checked"))).to.deep.equal([]);
    });
  }

  it("expire-renew-expire says the second expiry was told to the backend", async () => {
    const r = await run("expire-renew-expire", targetOf(s, "sim-v1"), { database: s.databaseUrl });
    expect(r.steps.map((x) => x.activity)).to.deep.equal(["newInstance", "expireInstance", "refreshInstance", "expireInstance", "second expiry told"]);
    expect(r.steps.at(-1)!.note).to.equal("expireInstance: processed");
  });

  it("says what it did not check without the server's database", async () => {
    const r = await run("calls-made-once", targetOf(s, "sim-v1"));
    expect(failures(r)).to.deep.equal([]);
    expect(r.steps.at(-1)!.note).to.match(/^not checked: give --database/);
  });

  it("license-quantities reads the seats the demo licence grants", async () => {
    const r = await run("license-quantities", targetOf(s, "sim-lic-v1"), { database: s.databaseUrl });
    expect(r.steps.find((x) => x.activity === "seats")!.note).to.equal("30 seats");
  });
});

describe(`koogate sim license-order-notify against the real server and a local marketplace (${testDatabaseKind})`, function () {
  this.timeout(30_000);
  it("passes: the notification answered, the order queried once with a valid signature and stored once", async () => {
    const mkt = await startTestMarketplace();
    const s = await startServer({
      products: { "online.yaml": licenseYaml("notified-online", "online", "orderNotify: { enabled: true }").replace("  license: [TEST_LICENSE_KEY]", "  general: [TEST_GENERAL_KEY]") },
      adapters: [RecordingLicenseAdapter],
      env: { ...LICENSE_ENV, TEST_GENERAL_KEY, ...marketplaceEnvOf(mkt) },
    });
    try {
      const r = await run("license-order-notify", targetOf(s, "notified-online"), { marketplace: mkt.url, database: s.databaseUrl });
      expect(failures(r)).to.deep.equal([]);
      expect(r.steps.map((x) => x.activity)).to.deep.equal(["orderNotify", "query order", "stored order", "orderNotify", "queried once", "stored once"]);
    } finally {
      await s.close();
      await mkt.close();
    }
  });
});
