import { expect } from "chai";
import { codeDigest, LicenseCodeStore } from "../../../core/kinds/license/codes.js";
import { escapeHtml } from "../../../server/ops/html.js";
import { LICENSE_ENV, licenseYaml, RecordingLicenseAdapter } from "../../support/license.js";
import { HookedSaasAdapter, meteredYaml, TEST_GENERAL_KEY } from "../../support/marketplace-setup.js";
import { plantUsage } from "../../support/planted.js";
import { newInstanceBody } from "../../support/orders.js";
import { recordingYaml, RecordingAdapter } from "../../support/recording-adapter.js";
import { startServer, type TestServer } from "../../support/server.js";
import { eventually } from "../../support/wait.js";

export const OPS_TOKEN = "ops-token-0123456789abcdef";

async function get(s: TestServer, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${s.url}${path}`, { headers, redirect: "manual" });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const auth = { authorization: `Bearer ${OPS_TOKEN}` };

describe("the operator page over HTTP", () => {
  let s: TestServer;
  afterEach(async () => s?.close());

  it("is off (404) when no KOOGATE_OPS_TOKEN is configured", async () => {
    s = await startServer();
    expect((await get(s, "/ops", auth)).status).to.equal(404);
  });

  it("answers 401 with the sign-in form to a request without the token", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const r = await get(s, "/ops/calls");
    expect(r.status).to.equal(401);
    expect(r.text).to.contain('<form method="post" action="/ops/login">');
  });

  it("answers 401 to a wrong bearer token", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    expect((await get(s, "/ops", { authorization: "Bearer ops-token-wrong-0123456789" })).status).to.equal(401);
  });

  it("opens a session cookie (not the token) from the login form, which then shows the page", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const res = await fetch(`${s.url}/ops/login`, { method: "POST", body: `token=${OPS_TOKEN}`, headers: { origin: s.url, "content-type": "application/x-www-form-urlencoded" }, redirect: "manual" });
    expect(res.status).to.equal(303);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).to.match(/^koogate_ops=[\w-]{43}; path=\/ops; expires=[^;]+; samesite=strict; httponly$/);
    expect(cookie).not.to.contain(OPS_TOKEN);
    expect((await get(s, "/ops", { cookie: cookie.split(";")[0]! })).status).to.equal(200);
  });

  it("refuses a login form posted from another origin with 403", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const res = await fetch(`${s.url}/ops/login`, { method: "POST", body: `token=${OPS_TOKEN}`, headers: { origin: "https://evil.example" }, redirect: "manual" });
    expect(res.status).to.equal(403);
    expect(res.headers.get("set-cookie")).to.equal(null);
  });

  it("lists a served call in the calls table, filtered by product, and links its instance's history", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const body = newInstanceBody();
    await s.send(body);
    const calls = await get(s, "/ops/calls?product=test-saas&verdict=processed&order=" + body.orderId, auth);
    expect(calls.text).to.contain(`href="/ops/instances/test-saas/${body.businessId}"`);
    const history = await get(s, `/ops/instances/test-saas/${body.businessId}`, auth);
    expect(history.text).to.contain(body.orderId).and.contain("newInstance");
  });

  it("shows an adapter's error text holding <script> as text", async () => {
    s = await startServer({ products: { "r.yaml": recordingYaml("test-saas", { failWith: "<script>alert(1)</script>" }) }, adapters: [RecordingAdapter], env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    await s.send(newInstanceBody());
    const page = await get(s, "/ops/calls", auth);
    expect(page.text).to.contain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.text).not.to.contain("<script>");
  });

  it("puts a parked job back in the queue on 'retry now', after which it runs and succeeds", async () => {
    s = await startServer({
      products: { "r.yaml": recordingYaml("test-saas", { failFirst: 1, delayMs: 50 }, "provisioning: { budgetMs: 0, maxAttempts: 1 }") },
      adapters: [RecordingAdapter],
      env: { KOOGATE_OPS_TOKEN: OPS_TOKEN },
    });
    await s.send(newInstanceBody());
    const job = await eventually(async () => s.koogate.db("koogate_jobs").where({ state: "failed" }).first(), "the parked job");
    const res = await fetch(`${s.url}/ops/jobs/${job.id}/retry`, { method: "POST", headers: { ...auth, origin: s.url }, redirect: "manual" });
    expect(res.status).to.equal(303);
    await eventually(async () => (await s.koogate.db("koogate_jobs").where({ id: job.id }).first()).state === "done", "the retried job done");
    expect((await s.koogate.db("koogate_instances").where({ instance_id: job.instance_id }).first()).state).to.equal("active");
  });

  it("refuses 'retry now' posted from another origin", async () => {
    s = await startServer({ env: { KOOGATE_OPS_TOKEN: OPS_TOKEN } });
    const res = await fetch(`${s.url}/ops/jobs/1/retry`, { method: "POST", headers: { ...auth, origin: "https://evil.example" }, redirect: "manual" });
    expect(res.status).to.equal(403);
  });
});

describe("the operator page's usage records and licences", () => {
  let s: TestServer;
  const CODE = "LIC-SECRET-CODE-9f3a";
  beforeEach(async () => {
    s = await startServer({
      products: { "m.yaml": meteredYaml("test-saas"), "l.yaml": licenseYaml("test-lic", "code"), "plain.yaml": recordingYaml("plain-saas") },
      adapters: [HookedSaasAdapter, RecordingLicenseAdapter, RecordingAdapter],
      env: { TEST_GENERAL_KEY, ...LICENSE_ENV, KOOGATE_OPS_TOKEN: OPS_TOKEN },
    });
  });
  afterEach(() => s.close());

  it("links a metered product to its usage records and a License listing to its licences from the products table", async () => {
    const page = (await get(s, "/ops", auth)).text;
    expect(page).to.contain('<a href="/ops/usage?product=test-saas">usage records</a>');
    expect(page).to.contain('<a href="/ops/licences/test-lic">licences</a>');
    expect(page).not.to.contain("/ops/usage?product=plain-saas");
  });

  it("lists usage records with state, metering_sn, window, value and why rejected, a rejection's text escaped", async () => {
    const begin = Date.UTC(2026, 10, 29, 10);
    const sn = await plantUsage(s.koogate.db, { instanceId: "inst-1", beginAt: begin, value: "12.5", state: "rejected", createdAt: begin + 2 * 3_600_000, errorCode: "MKT.9004", errorMsg: "<script>alert(1)</script>" });
    const page = await get(s, "/ops/usage?product=test-saas&state=rejected", auth);
    expect(page.status).to.equal(200);
    const row = page.text.slice(page.text.indexOf("<tbody>"));
    expect(row).to.contain(">rejected<").and.contain(sn).and.contain("2026-11-29 10:00:00 – 2026-11-29 11:00:00").and.contain(">12.5<");
    expect(row).to.contain("MKT.9004 &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page.text).not.to.contain("<script>");
  });

  it("filters usage records by state", async () => {
    const t = Date.UTC(2026, 10, 29, 10);
    const pushed = await plantUsage(s.koogate.db, { instanceId: "inst-1", beginAt: t, state: "pushed", createdAt: t });
    const pending = await plantUsage(s.koogate.db, { instanceId: "inst-2", beginAt: t, state: "pending", createdAt: t });
    const page = (await get(s, "/ops/usage?state=pending", auth)).text;
    expect(page).to.contain(pending);
    expect(page).not.to.contain(pushed);
  });

  it("lists a License listing's codes with status, expiry, activation and last query, by their last four characters only", async () => {
    const codes = new LicenseCodeStore(s.koogate.db);
    await s.koogate.db.transaction((trx) => codes.ensure("test-lic", CODE, false, Date.UTC(2026, 0, 1), trx));
    await codes.update("test-lic", CODE, { status: "frozen", orderId: "ORD<b>1", expireAt: Date.UTC(2027, 0, 1), activatedAt: Date.UTC(2026, 0, 2), lastQueryAt: Date.UTC(2026, 10, 28, 8, 30), updatedAt: Date.UTC(2026, 10, 28) });
    const page = await get(s, "/ops/licences/test-lic", auth);
    expect(page.status).to.equal(200);
    const row = page.text.slice(page.text.indexOf("<tbody>"));
    expect(row).to.contain("<code>…9f3a</code>").and.contain(">frozen<").and.contain("ORD&lt;b&gt;1");
    expect(row).to.contain("2027-01-01 00:00:00").and.contain("2026-01-02 00:00:00").and.contain("2026-11-28 08:30:00");
    expect(page.text).not.to.contain(CODE).and.not.contain(codeDigest(CODE));
  });

  it("asks for the token on the usage and licence views", async () => {
    expect((await get(s, "/ops/usage")).status).to.equal(401);
    expect((await get(s, "/ops/licences/test-lic")).status).to.equal(401);
  });
});

describe("escapeHtml", () => {
  it("escapes every character that could open markup or leave an attribute", () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).to.equal("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });
});
