import { readSettings } from "../../core/settings/index.js";
/**
 * `koogate sim <product> order-notify` against the real server and a local marketplace, and against
 * small fake merchants that break one rule each: the scenario must pass the first and fail each fake for
 * its fault.
 */
import { createServer, type Server } from "node:http";
import { expect } from "chai";
import { MarketplaceClient } from "../../core/marketplace/client.js";
import { signBody } from "../../core/signing/body-sign.js";
import { misfit } from "../../core/simulation/scenario.js";
import { findScenario } from "../../sim/scenarios/index.js";
import type { LocalMarketplace } from "../../sim/marketplace/server.js";
import { testDatabaseKind } from "../support/database.js";
import { marketplaceEnvOf, startRig, startTestMarketplace, type MarketplaceRig } from "../support/marketplace-setup.js";
import { closeServer, failures, fakeProduct, listenOnLoopback, run, target, targetOf } from "../support/sim.js";
import { keyLists } from "../support/keys.js";

describe(`koogate sim order-notify against the real server (${testDatabaseKind})`, function () {
  this.timeout(30_000);
  let rig: MarketplaceRig;
  afterEach(() => rig.close());

  it("passes every step: answered, queried once with a valid signature, stored as answered, resend adds nothing", async () => {
    rig = await startRig();
    const r = await run("order-notify", targetOf(rig.server), { marketplace: rig.mkt.url, database: rig.server.databaseUrl });
    expect(failures(r)).to.deep.equal([]);
    expect(r.steps.map((s) => s.activity)).to.deep.equal(["orderNotify", "query order", "stored order", "orderNotify", "queried once", "stored once"]);
    const queries = rig.mkt.state.calls.filter((c) => c.path.endsWith("/order/query"));
    expect(queries.map((c) => c.signature)).to.deep.equal(["valid"]);
  });

  it("says the stored order was not checked when it has no database to read", async () => {
    rig = await startRig();
    const r = await run("order-notify", targetOf(rig.server), { marketplace: rig.mkt.url });
    expect(r.passed).to.equal(true);
    expect(r.steps.find((s) => s.activity === "stored order")!.note).to.match(/^not checked: give --database/);
  });

  it("fails a server whose query-order call is signed with another secret key", async () => {
    rig = await startRig({ env: { KOOGATE_MARKETPLACE_SK: "not-the-local-marketplace-secret" } });
    const r = await run("order-notify", targetOf(rig.server), { marketplace: rig.mkt.url, wait: "2500" });
    expect(r.passed).to.equal(false);
    expect(failures(r)[0]).to.match(/^2 query order: koogate's query-order call for CSSIM\w+ did not verify at the local marketplace \(APIGW\.0303\)/);
  });
});

describe("koogate sim order-notify against deliberately broken servers", function () {
  this.timeout(20_000);
  const BASIC = "fake-basic-key-0123456789";
  const GENERAL = "fake-general-key-0123456789";
  type Fault = "none" | "never queries" | "queries on every delivery";
  let fault: Fault = "none";
  let mkt: LocalMarketplace;
  let server: Server;
  let url = "";
  const queried = new Set<string>();

  before(async () => {
    mkt = await startTestMarketplace();
    const client = MarketplaceClient.fromSettings(readSettings(marketplaceEnvOf(mkt)).marketplace);
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, string>;
        const text = JSON.stringify({ resultCode: "000000", resultMsg: "success." });
        res.writeHead(200, { "content-type": "application/json", "Body-Sign": signBody(GENERAL, text) });
        res.end(text);
        const again = queried.has(body.orderId!);
        queried.add(body.orderId!);
        if (fault === "never queries" || (again && fault !== "queries on every delivery")) return;
        void client.queryOrder({ orderId: body.orderId! });
      });
    });
    url = await listenOnLoopback(server);
  });
  after(async () => {
    await closeServer(server);
    await mkt.close();
  });

  const fake = () => target(fakeProduct(BASIC, { keys: keyLists({ basic: [BASIC], general: [GENERAL] }), orderNotify: { enabled: true } }), url);
  const play = (f: Fault) => ((fault = f), run("order-notify", fake(), { marketplace: mkt.url, wait: "1500", settle: "300" }));

  it("passes the fake without a fault (so each failure below is its fault's)", async () => {
    expect(failures(await play("none"))).to.deep.equal([]);
  });

  it("fails a server that answers 000000 but never queries the order", async () => {
    expect(failures(await play("never queries"))[0]).to.match(/^2 query order: koogate did not query order CSSIM\w+ at the local marketplace within 1500 ms/);
  });

  it("fails a server that queries the order again on a resent notification", async () => {
    expect(failures(await play("queries on every delivery"))).to.satisfy((f: string[]) => f.length === 1 && /^5 queried once: koogate queried order CSSIM\w+ 2 times/.test(f[0]!));
  });

  it("is refused for a product without order notification, naming the setting", () => {
    expect(misfit(findScenario("order-notify")!, fakeProduct(BASIC))).to.equal("order-notify needs order notification; fake does not enable it (orderNotify.enabled in (test), docs/marketplace/api-image-openapi.md §5)");
  });
});
