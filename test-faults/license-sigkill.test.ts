import { expect } from "chai";
import { createPublicKey } from "node:crypto";
import type { Knex } from "knex";
import { DEMO_LICENSE_DEV_SEED } from "../adapters/demo-license.js";
import { privateKeyFrom, verifyLicense } from "../core/kinds/license/signed-licence.js";
import { createDatabase } from "../core/store/database.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../sim/marketplace/dev-keys.js";
import { startLocalMarketplace, type LocalMarketplace } from "../sim/marketplace/server.js";
import { freshDatabaseUrl, testDatabaseKind } from "../test/support/database.js";
import { marketplaceEnv } from "../test/support/license.js";
import { startServerProcess, type ServerProcess } from "../test/support/process.js";
import { writeProducts } from "../test/support/server.js";
import { figures } from "./support/figures.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PRODUCT = ["id: lic-online", "name: online licence", "kind: license", "variant: online", "adapter: DemoLicenseAdapter", "keys:", "  basic: [TEST_BASIC_KEY]"].join("\n");

// A server killed after the licence was issued and stored, while its upload is in flight (docs/marketplace/license.md §3.5, §3.7).
describe(`SIGKILL between licence issue and upload (${testDatabaseKind})`, function () {
  let databaseUrl: string;
  let productsDir: string;
  let db: Knex;
  let lm: LocalMarketplace;
  let server: ServerProcess | undefined;

  before(async () => {
    databaseUrl = await freshDatabaseUrl();
    productsDir = writeProducts({ "online.yaml": PRODUCT });
    db = createDatabase(databaseUrl);
    lm = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK, hangMs: 60_000 });
  });
  after(async () => {
    await server?.kill();
    await db.destroy();
    await lm.close();
  });

  it("uploads the stored licence exactly once after the restart, without issuing another", async () => {
    const env = marketplaceEnv(lm.url);
    server = await startServerProcess({ databaseUrl, productsDir, env });
    const created = await server.send({ activity: "newInstance", orderId: "KILL-L", orderLineId: "KILL-L-1", businessId: "inst-kill" }, { product: "lic-online" });
    expect(created.json.resultCode).to.equal("000000");
    lm.state.alwaysFault = "timeout";
    const application = { activity: "getLicenseAsync", eventId: "ev-kill", instanceId: "inst-kill", effectiveTime: "2025-01-01 00:00:00 z", deviceFingerprint: "AA:BB|DISK-1" };
    figures.requests += 2;
    expect((await server.send(application, { product: "lic-online" })).json.resultCode).to.equal("000000");
    // kill once the upload is in flight (held by the marketplace), i.e. after the licence is stored
    for (let i = 0; i < 200 && !lm.state.calls.some((c) => c.path.includes("/market-event/ev-kill/")); i++) await sleep(25);
    const stored = await db("koogate_issued_licenses").where({ event_id: "ev-kill" }).first();
    expect(stored).to.include({ state: "issued" });
    await server.kill();
    figures.faults++;
    lm.state.alwaysFault = undefined;
    expect(lm.state.uploads).to.have.length(0);

    server = await startServerProcess({ databaseUrl, productsDir, env });
    // the dead holder's lease runs out (15 s), then the new process uploads
    for (let i = 0; i < 600 && lm.state.uploads.length === 0; i++) await sleep(100);
    await sleep(2000);
    expect(lm.state.uploads.map((u) => u.eventId)).to.deep.equal(["ev-kill"]);
    const after = await db("koogate_issued_licenses").where({ event_id: "ev-kill" }).first();
    expect(after).to.include({ state: "uploaded", license_sealed: stored.license_sealed });
    // a resend of the application after all that answers from the first delivery: nothing new issued or uploaded
    figures.requests++;
    expect((await server.send(application, { product: "lic-online" })).json.resultCode).to.equal("000000");
    await sleep(1000);
    expect(lm.state.uploads).to.have.length(1);
    const v = verifyLicense(lm.state.uploads[0]!.characters!, createPublicKey(privateKeyFrom(DEMO_LICENSE_DEV_SEED)), { fingerprint: "AA:BB|DISK-1", now: new Date("2025-06-01T00:00:00Z") });
    expect(v.instanceId).to.be.a("string");
  });
});
