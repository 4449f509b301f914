import { expect } from "chai";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../sim/marketplace/dev-keys.js";
import { startLocalMarketplace, type LocalMarketplace } from "../../sim/marketplace/server.js";
import { LICENSE_ENV, licenseYaml, marketplaceEnv, RecordingLicenseAdapter } from "../support/license.js";
import { startServer, type TestServer } from "../support/server.js";
import { failures, run, targetOf } from "../support/sim.js";

describe("koogate sim: the License scenarios against the real koogate server and the local marketplace", () => {
  let s: TestServer;
  let lm: LocalMarketplace;
  before(async () => {
    lm = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
    s = await startServer({
      products: { "c.yaml": licenseYaml("lic-code", "code"), "o.yaml": licenseYaml("lic-online", "online"), "v.yaml": licenseYaml("lic-v1", "v1") },
      adapters: [RecordingLicenseAdapter],
      env: { ...LICENSE_ENV, ...marketplaceEnv(lm.url) },
    });
  });
  after(async () => {
    await s.close();
    await lm.close();
  });

  for (const [scenario, product] of [
    ["license-code-lifecycle", "lic-code"],
    ["license-online-lifecycle", "lic-online"],
    ["license-v1-lifecycle", "lic-v1"],
    ["license-relay", "lic-code"],
  ] as const) {
    it(`${scenario} passes every step`, async () => {
      const report = await run(scenario, targetOf(s, product), { marketplace: lm.url });
      expect(failures(report)).to.deep.equal([]);
      expect(report.steps.length).to.be.greaterThan(4);
    });
  }

  it("license-relay fails against a server that does not serve the relay", async () => {
    // every relay call there is a 404
    const report = await run("license-relay", { ...targetOf(s, "lic-code"), baseUrl: `${s.url}/nowhere` }, { marketplace: lm.url });
    expect(failures(report).length).to.be.greaterThan(0);
  });
});
