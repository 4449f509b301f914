/**
 * The operator page's charts and its views of every kind (issue 22) in a real browser: Debian's
 * chromium driven by playwright-core against a running koogate, traffic sent by the simulator.
 */
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "chai";
import type { Page } from "playwright-core";
import { JointOperationStore } from "../../core/kinds/saas/sync/store.js";
import type { LocalMarketplace } from "../../sim/marketplace/server.js";
import { launchChromium, OPS_TOKEN, signIn as signInAt, signOut, type Browser } from "../support/chromium.js";
import { DEMO_ADAPTERS } from "../support/demo-adapters.js";
import { APIG_KEYS, apigCall, apiYaml, GATEWAY_ENV, startUpstream, type Upstream } from "../support/gateway.js";
import { LICENSE_ENV, licenseYaml, RecordingLicenseAdapter } from "../support/license.js";
import { HookedSaasAdapter, marketplaceEnvOf, meteredYaml, startTestMarketplace, TEST_GENERAL_KEY } from "../support/marketplace-setup.js";
import { newInstanceBody } from "../support/orders.js";
import { plantNotifiedOrder } from "../support/planted.js";
import { startServer, type TestServer } from "../support/server.js";
import { failures, run, targetOf } from "../support/sim.js";
import { testText } from "../support/environment.js";

/** Where the README's screenshot is written when KOOGATE_SCREENSHOT is set. */
const SCREENSHOT = testText("KOOGATE_SCREENSHOT");
const HOSTILE = "<script>document.title='owned'</script>";
const HOSTILE_IMG = `<img src=x onerror="document.title='owned'">`;
// a throwaway merchant key pair for applicationSync, made per run: no private key is ever committed
const PRIVATE_PEM = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

describe("the operator page's charts and views of every kind in chromium", function () {
  this.timeout(90_000);
  let browser: Browser | undefined;
  let page: Page;
  let s: TestServer;
  let mkt: LocalMarketplace;
  let upstream: Upstream;

  before(async function () {
    browser = await launchChromium(this);
    page = browser.page;
    mkt = await startTestMarketplace();
    upstream = await startUpstream();
  });
  after(async () => {
    await browser?.close();
    await mkt?.close();
    await upstream?.close();
  });
  beforeEach(async () => {
    s = await startServer({
      products: {
        // metered, notified of orders and synced (joint operation): every view has something to show
        "shop.yaml": meteredYaml("shop-saas", "jointOperation:\n  enabled: true\n  privateKey: { env: TEST_KIT_PRIVATE_KEY }").replace("  general: [TEST_GENERAL_KEY]", "  general: [TEST_GENERAL_KEY]\n  kit: [TEST_KIT_KEY]"),
        "api.yaml": apiYaml("weather-api", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`]),
        "lic.yaml": licenseYaml("cad-license", "code"),
      },
      adapters: [...DEMO_ADAPTERS, HookedSaasAdapter, RecordingLicenseAdapter],
      env: { KOOGATE_OPS_TOKEN: OPS_TOKEN, TEST_GENERAL_KEY, TEST_KIT_PRIVATE_KEY: PRIVATE_PEM, ...GATEWAY_ENV, ...LICENSE_ENV, ...marketplaceEnvOf(mkt) },
    });
  });
  afterEach(async () => {
    await signOut(browser);
    await s?.close();
  });

  const signIn = () => signInAt(page, s.url);
  /** a chart's lines (their path data) and its figures table, as the browser has them */
  const chart = async (id: string) => ({
    paths: await page.locator(`#${id} svg path.line`).evaluateAll((ps) => ps.map((p) => p.getAttribute("d"))),
    figures: (await page.locator(`#${id} details table`).count()) ? await page.locator(`#${id} details tbody`).textContent() : "",
  });

  it("draws the overview's charts as accessible SVG images, and they change with the traffic", async () => {
    await signIn();
    for (const id of ["chart-calls", "chart-share", "chart-latency", "chart-backlog", "chart-usage"]) {
      const svg = page.locator(`#${id} svg`);
      expect(await svg.getAttribute("role"), id).to.equal("img");
      const [title, desc] = (await svg.getAttribute("aria-labelledby"))!.split(" ");
      expect(await page.locator(`#${title}`).textContent(), id).to.not.equal("");
      expect(await page.locator(`#${desc}`).textContent(), id).to.contain("UTC in steps of 1 min");
    }
    const before = await chart("chart-calls");
    expect(before.figures).to.equal("");
    for (let i = 0; i < 3; i++) expect((await s.send(newInstanceBody(), { product: "shop-saas" })).json.resultCode).to.equal("000000");
    expect((await s.send({ activity: "queryInstance", instanceId: "none-such" }, { product: "shop-saas" })).json.resultCode).to.equal("000003");
    await page.reload();
    const after = await chart("chart-calls");
    expect(after.paths).to.not.deep.equal(before.paths);
    // the figures' columns summed over the minutes (the calls may straddle two): success, refused, failed, deadline
    const rows = await page.locator("#chart-calls details tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].slice(1).map((td) => Number(td.textContent))));
    expect(rows.reduce((sum, r) => sum.map((n, i) => n + r[i]!), [0, 0, 0, 0])).to.deep.equal([3, 1, 0, 0]);
    const share = await chart("chart-share");
    expect(share.figures).to.match(/%/);
    expect(await page.locator("#chart-share .legend").textContent()).to.contain("delisting-risk threshold");
    await page.click("a:has-text(\"last day\")");
    await page.waitForURL(/\?range=day$/);
    expect(await page.locator("#chart-calls desc").textContent()).to.contain("in steps of 15 min");
  });

  it("shows an API listing's calls, reached from the products table, with the buyer, status and outcome", async () => {
    expect((await apigCall(`${s.url}/api/weather-api/forecast`, { headers: { "x-customer-id": "buyer-in-browser" } })).status).to.equal(200);
    await signIn();
    await page.locator("tbody tr", { hasText: "weather-api" }).locator("a", { hasText: "calls" }).click();
    await page.waitForURL(/\/ops\/calls\?product=weather-api/);
    const rows = page.locator("tbody tr", { hasText: "buyer-in-browser" });
    await rows.first().waitFor();
    expect(await rows.first().textContent()).to.contain("GET").and.contain("200").and.contain("answered");
  });

  it("shows the order koogate sim order-notify notified and the tenant koogate sim tenant-sync synced, users masked", async () => {
    const notified = await run("order-notify", targetOf(s, "shop-saas"), { marketplace: mkt.url });
    expect(failures(notified)).to.deep.equal([]);
    const synced = await run("tenant-sync", targetOf(s, "shop-saas"));
    expect(failures(synced)).to.deep.equal([]);
    await signIn();
    await page.click("nav a:has-text(\"Orders\")");
    await page.waitForURL(`${s.url}/ops/orders`);
    const order = await page.locator("tbody tr", { hasText: "shop-saas" }).first().textContent();
    expect(order).to.match(/CSSIM\w+-000001/).and.contain("NEW");
    await page.goto(`${s.url}/ops`);
    await page.locator("tbody tr", { hasText: "shop-saas" }).locator("a", { hasText: "tenants" }).click();
    await page.waitForURL(/\/ops\/tenants\?product=shop-saas/);
    const main = (await page.textContent("main"))!;
    expect(main).to.contain("koogate simulator tenant").and.contain("Sales").and.contain("Development").and.contain("sealed (not shown)");
    expect(main).to.contain("a…e").and.contain("b…b");
    expect(main).to.not.contain("alice").and.not.contain("Alice");
  });

  it("runs nothing a caller put in an order id, a tenant's fields, a buyer header or a department name, on any view", async () => {
    await plantNotifiedOrder(s.koogate.db, { productId: "shop-saas", orderId: HOSTILE, fetchedAt: Date.now() });
    const store = new JointOperationStore(s.koogate.db);
    const scope = { productId: "shop-saas", instanceId: HOSTILE_IMG.slice(0, 64), tenantId: HOSTILE };
    const now = Date.now();
    await store.putTenant({ ...scope, orderId: HOSTILE, tenantCode: HOSTILE, name: HOSTILE_IMG, domainName: HOSTILE, deleted: false, test: false, syncAt: now }, now);
    await s.koogate.db.transaction((trx) => store.replaceOrgTree(scope, [{ orgCode: HOSTILE, name: HOSTILE_IMG, parentCode: null }], now, now, trx));
    expect((await apigCall(`${s.url}/api/weather-api/x`, { headers: { "x-customer-id": HOSTILE, "x-request-id": HOSTILE_IMG } })).status).to.equal(200);
    await s.send({ activity: "queryInstance", instanceId: HOSTILE }, { product: "shop-saas" });
    await signIn();
    for (const [path, title] of [
      ["/ops/orders", "Notified orders"],
      ["/ops/tenants?product=shop-saas", "Tenants of shop-saas"],
      ["/ops/calls?product=weather-api", "Calls of API listing weather-api"],
      ["/ops/calls?product=shop-saas", "Recent calls"],
      ["/ops/products/shop-saas", "Listing shop-saas"],
      ["/ops", "Overview"],
    ] as const) {
      await page.goto(`${s.url}${path}`);
      expect(await page.title(), path).to.equal(`${title} · koogate`);
      if (path !== "/ops" && !path.startsWith("/ops/products")) expect(await page.textContent("main"), path).to.contain(HOSTILE);
    }
    await page.goto(`${s.url}/ops/tenants?product=shop-saas`);
    expect(await page.textContent("main")).to.contain(HOSTILE_IMG);
  });

  it("takes the README's screenshot of the overview with charts when KOOGATE_SCREENSHOT is set", async function () {
    if (!SCREENSHOT) return this.skip();
    // an hour of traffic for the picture: calls planted a minute apart, then real ones
    const now = Date.now();
    const rows = [];
    for (let m = 59; m >= 1; m--) {
      for (let i = 0; i < 6 + (m % 7); i++) {
        const failed = m % 17 === 0 && i < 2;
        rows.push({ at: now - m * 60_000 + i * 1000, request_id: `kg.planted.${m}.${i}`, product_id: i % 3 ? "shop-saas" : "cad-license", activity: i % 3 ? "newInstance" : "updateLicenseCodeStatus", verdict: failed ? "failed" : "processed", result_code: failed ? "000005" : "000000", response: "{}", duration_ms: 20 + ((m * 37 + i * 11) % 90) + (failed ? 900 : 0), test: false });
      }
    }
    await s.koogate.db.batchInsert("koogate_events", rows, 200);
    for (let i = 0; i < 5; i++) await s.send(newInstanceBody(), { product: "shop-saas" });
    await apigCall(`${s.url}/api/weather-api/forecast`);
    await signIn();
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });
});
