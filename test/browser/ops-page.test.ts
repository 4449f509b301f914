/**
 * The operator page in a real browser: Debian's chromium driven by playwright-core against a running
 * koogate. Skipped, saying why, where no chromium is installed (`.ci/run` installs it).
 */
import { expect } from "chai";
import type { Page } from "playwright-core";
import { LicenseCodeStore } from "../../core/kinds/license/codes.js";
import { LICENSE_ENV, licenseYaml, RecordingLicenseAdapter } from "../support/license.js";
import { HookedSaasAdapter, meteredYaml, TEST_GENERAL_KEY } from "../support/marketplace-setup.js";
import { newInstanceBody } from "../support/orders.js";
import { plantUsage } from "../support/planted.js";
import { recordingYaml, RecordingAdapter } from "../support/recording-adapter.js";
import { launchChromium, OPS_TOKEN, signIn as signInAt, signOut, type Browser } from "../support/chromium.js";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";

describe("the operator page in chromium", function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let s: TestServer;
  let page: Page;

  before(async function () {
    browser = await launchChromium(this);
    page = browser.page;
  });
  after(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    s = await startServer({
      products: {
        "a.yaml": recordingYaml("crm-saas", { failFirst: 1, delayMs: 50 }, "provisioning: { budgetMs: 0, maxAttempts: 1 }"),
        "b.yaml": recordingYaml("erp-saas", { failWith: "<script>document.title='owned'</script>" }),
        "c.yaml": recordingYaml("hr-saas"),
        "d.yaml": meteredYaml("meter-saas"),
        "e.yaml": licenseYaml("cad-license", "code"),
      },
      adapters: [RecordingAdapter, HookedSaasAdapter, RecordingLicenseAdapter],
      env: { KOOGATE_OPS_TOKEN: OPS_TOKEN, TEST_GENERAL_KEY, ...LICENSE_ENV },
    });
  });
  afterEach(async () => {
    await signOut(browser);
    await s?.close();
  });

  const signIn = () => signInAt(page, s.url);

  it("asks for the token and refuses a wrong one with 401", async () => {
    const first = await page.goto(`${s.url}/ops`);
    expect(first!.status()).to.equal(401);
    await page.fill('input[name="token"]', "not-the-token-0123456789");
    const [answer] = await Promise.all([page.waitForResponse(`${s.url}/ops/login`), page.click("button:has-text(\"Sign in\")")]);
    expect(answer.status()).to.equal(401);
    expect(await page.textContent("main")).to.contain("That is not the operator token");
  });

  it("shows a newInstance sent by the simulator in the calls table and in the instance's history", async () => {
    const body = newInstanceBody();
    await s.send(body, { product: "hr-saas" });
    await signIn();
    await page.goto(`${s.url}/ops/calls?product=hr-saas`);
    const row = page.locator("tbody tr", { hasText: body.businessId });
    expect(await row.first().textContent()).to.contain("newInstance").and.contain("processed");
    await row.first().locator("a").click();
    await page.waitForURL(/\/ops\/instances\/hr-saas\//);
    expect(await page.textContent("main")).to.contain(body.orderId).and.contain("newInstance");
  });

  it("shows an adapter's message holding <script> as text, and the script never runs", async () => {
    await s.send(newInstanceBody(), { product: "erp-saas" });
    await signIn();
    await page.goto(`${s.url}/ops/calls?product=erp-saas`);
    expect(await page.locator("tbody").textContent()).to.contain("<script>document.title='owned'</script>");
    expect(await page.title()).to.equal("Recent calls · koogate");
  });

  it("retries a parked job from the jobs table, after which it is done", async () => {
    await s.send(newInstanceBody(), { product: "crm-saas" });
    const parked = await eventually(async () => s.koogate.db("koogate_jobs").where({ state: "failed" }).first(), "the parked job");
    await s.send(newInstanceBody(), { product: "erp-saas" });
    await signIn();
    await page.goto(`${s.url}/ops/jobs`);
    await page.click("button:has-text(\"Retry now\")");
    await page.waitForURL(/\/ops\/jobs\?retried=\d+/);
    expect(await page.textContent("main")).to.contain("is queued again");
    await eventually(async () => (await s.koogate.db("koogate_jobs").where({ id: parked.id }).first()).state === "done", "the retried job done");
    await page.reload();
    expect(await page.locator("tbody").textContent()).to.contain("done");
  });

  it("reaches a metered product's usage records and a License listing's codes from the products table", async () => {
    const begin = Date.UTC(2026, 10, 29, 10);
    const sn = await plantUsage(s.koogate.db, { productId: "meter-saas", instanceId: "inst-1", beginAt: begin, state: "rejected", createdAt: begin, errorCode: "MKT.9004", errorMsg: "<img src=x onerror=\"document.title='owned'\">" });
    const codes = new LicenseCodeStore(s.koogate.db);
    await s.koogate.db.transaction((trx) => codes.ensure("cad-license", "CAD-CODE-0000-77ab", false, begin, trx));
    await signIn();
    await page.locator("tbody tr", { hasText: "meter-saas" }).locator("a", { hasText: "usage records" }).click();
    await page.waitForURL(/\/ops\/usage\?product=meter-saas/);
    const usage = await page.locator("tbody").textContent();
    expect(usage).to.contain(sn).and.contain("rejected").and.contain(`MKT.9004 <img src=x onerror="document.title='owned'">`);
    expect(await page.title()).to.equal("Usage records · koogate");
    await page.goto(`${s.url}/ops`);
    await page.locator("tbody tr", { hasText: "cad-license" }).locator("a", { hasText: "licences" }).click();
    await page.waitForURL(`${s.url}/ops/licences/cad-license`);
    const licences = await page.locator("tbody").textContent();
    expect(licences).to.contain("…77ab").and.contain("active").and.not.contain("CAD-CODE");
  });
});
