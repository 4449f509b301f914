import "reflect-metadata";
import { expect } from "chai";
import { JointOperationStore } from "../../../core/kinds/saas/sync/store.js";
import { DEMO_ADAPTERS } from "../../support/demo-adapters.js";
import { APIG_KEYS, apigCall, apiYaml, GATEWAY_ENV, startUpstream, type Upstream } from "../../support/gateway.js";
import { LICENSE_ENV, licenseYaml, RecordingLicenseAdapter } from "../../support/license.js";
import { newInstanceBody } from "../../support/orders.js";
import { plantNotifiedOrder } from "../../support/planted.js";
import { productYaml, startServer, type TestServer } from "../../support/server.js";
import { eventually } from "../../support/wait.js";

const OPS_TOKEN = "ops-token-0123456789abcdef";
const HOSTILE = "<script>document.title='owned'</script>";

describe("the operator page's views of every kind, over HTTP", function () {
  this.timeout(30_000);
  let s: TestServer;
  let upstream: Upstream;
  before(async () => {
    upstream = await startUpstream();
    s = await startServer({
      products: {
        "test-saas.yaml": productYaml("test-saas"),
        "api.yaml": apiYaml("weather-api", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`]),
        "lic.yaml": licenseYaml("cad-online", "online"),
      },
      adapters: [...DEMO_ADAPTERS, RecordingLicenseAdapter],
      env: { KOOGATE_OPS_TOKEN: OPS_TOKEN, ...GATEWAY_ENV, ...LICENSE_ENV },
    });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  const get = async (path: string) => {
    const res = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${OPS_TOKEN}` } });
    return { status: res.status, text: await res.text() };
  };

  it("lists an API listing's calls under the calls view filtered to it, with buyer, status, outcome and bytes, filtered by buyer", async () => {
    expect((await apigCall(`${s.url}/api/weather-api/today`, { headers: { "x-customer-id": "buyer-77" } })).status).to.equal(200);
    expect((await apigCall(`${s.url}/api/weather-api/today`, { headers: { "x-customer-id": HOSTILE } })).status).to.equal(200);
    expect((await apigCall(`${s.url}/api/weather-api/today`, { sk: "not-the-secret-0123456789" })).status).to.equal(401);
    const page = await eventually(async () => {
      const p = await get("/ops/calls?product=weather-api");
      return p.text.includes("buyer-77") && p.text.includes("<code>401</code>") ? p : undefined;
    }, "the API calls on the page");
    expect(page.text).to.contain("Calls of API listing weather-api").and.contain("answered").and.contain("<code>401</code>");
    expect(page.text, "a buyer id holding markup is text").to.contain("&lt;script&gt;document.title=&#39;owned&#39;&lt;/script&gt;").and.not.contain(HOSTILE);
    const one = await get("/ops/calls?product=weather-api&buyer=buyer-77");
    expect(one.text).to.contain("buyer-77").and.not.contain("&lt;script&gt;");
  });

  it("lists a notified order with its line and says that no instance was made for it, then which one was", async () => {
    await plantNotifiedOrder(s.koogate.db, { orderId: "ORD-VIEW-1", fetchedAt: Date.now() });
    const before = await get("/ops/orders?product=test-saas");
    expect(before.text).to.contain("ORD-VIEW-1").and.contain("ORD-VIEW-1-000001").and.match(/<span class="bad">none<\/span>/);
    const body = newInstanceBody({ orderId: "ORD-VIEW-1", orderLineId: "ORD-VIEW-1-000001" });
    expect((await s.send(body)).json.resultCode).to.equal("000000");
    const after = await get("/ops/orders?product=test-saas");
    expect(after.text).to.contain(`${body.businessId}</a> (active)`);
  });

  it("lists a tenant's applications, users and departments, a user's name and account masked and the clientSecret never shown", async () => {
    const store = new JointOperationStore(s.koogate.db);
    const scope = { productId: "test-saas", instanceId: "inst-t1", tenantId: "tenant-9" };
    const now = Date.now();
    await store.putTenant({ ...scope, orderId: "ORD-T", tenantCode: "acme", name: "Acme Ltd", domainName: "acme.example", deleted: false, test: false, syncAt: now }, now);
    await store.putApplication({ ...scope, appId: "app-1", clientId: "client-1", clientSecretSealed: "sealed-bytes", deleted: false, test: false, syncAt: now }, now);
    await store.putUsers([{ ...scope, appId: "app-1", userName: "alice.wong@acme.example", name: "Alice Wong", position: "buyer", orgCode: "D1", role: "admin", enabled: true, employeeCode: "E123456", state: "authorized", test: false, syncAt: now }], now);
    await s.koogate.db.transaction((trx) => store.replaceOrgTree(scope, [{ orgCode: "D1", name: "Purchasing", parentCode: null }], now, now, trx));
    const page = (await get("/ops/tenants?product=test-saas")).text;
    expect(page).to.contain("tenant-9").and.contain("Acme Ltd").and.contain("client-1").and.contain("sealed (not shown)").and.contain("Purchasing");
    expect(page).to.contain("a…e").and.contain("A…g").and.contain("E…6");
    expect(page).to.not.contain("alice.wong").and.not.contain("Alice Wong").and.not.contain("E123456").and.not.contain("sealed-bytes");
  });

  it("shows an online License listing's variant and its issued licences", async () => {
    await s.koogate.db("koogate_issued_licenses").insert({ product_id: "cad-online", request_key: "ab".repeat(32), instance_id: "inst-lic", event_id: "ev-1", state: "uploaded", license_sealed: "x", file_name: "cad.lic", test: false, created_at: 1, updated_at: 2, uploaded_at: 2 });
    const page = (await get("/ops/licences/cad-online")).text;
    expect(page).to.contain("<code>online</code>").and.contain("ev-1").and.contain("cad.lic").and.contain("uploaded").and.contain(`${"ab".repeat(6)}…`);
  });

  it("draws a listing's charts from its calls, and answers 404 for a listing it does not serve", async () => {
    const before = (await get("/ops/products/test-saas")).text;
    expect(before).to.contain('<svg role="img"').and.contain("<title id=\"chart-calls-t\">");
    await s.send(newInstanceBody());
    const after = (await get("/ops/products/test-saas")).text;
    const successes = (t: string) => /<figure class="chart" id="chart-calls">.*?<\/figure>/s.exec(t)![0].match(/<tr><td>\d\d:\d\d<\/td><td>(\d+)<\/td>/g)?.length ?? 0;
    expect(successes(after)).to.be.above(0);
    expect((await get("/ops/products/none-such")).status).to.equal(404);
    expect((await get("/ops/products/test-saas?range=day")).text).to.contain("<strong>last day</strong>");
  });
});
