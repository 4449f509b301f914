import { request } from "node:http";
import { expect } from "chai";
import type Koa from "koa";
import { startLocalMarketplace, type LocalMarketplace } from "../../sim/marketplace/server.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../sim/marketplace/dev-keys.js";
import { testDatabaseKind } from "../support/database.js";
import { LICENSE_ENV, licenseYaml, marketplaceEnv, RecordingLicenseAdapter } from "../support/license.js";
import { DEMO_ADAPTERS } from "../support/demo-adapters.js";
import { productYaml, startServer, type TestServer } from "../support/server.js";

/** Sends one request and returns its status, headers (but the date) and body exactly as they arrived. */
function call(base: string, method: string, target: string, body = ""): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path: target, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => {
        const { date: _date, ...headers } = res.headers;
        resolve({ status: res.statusCode!, headers, body: text });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

// The kinds' endpoints with a plain path are served below Koa (server/plain-routes.ts); they are answered as Koa answered them.
describe(`the kinds' endpoints served below Koa (server/plain-routes.ts, ${testDatabaseKind})`, () => {
  let s: TestServer;
  let lm: LocalMarketplace;
  let koaContexts = 0;

  before(async () => {
    lm = await startLocalMarketplace({ ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
    s = await startServer({
      products: { "test-saas.yaml": productYaml("test-saas"), "relay.yaml": licenseYaml("relay", "code") },
      adapters: [...DEMO_ADAPTERS, RecordingLicenseAdapter],
      env: { ...LICENSE_ENV, ...marketplaceEnv(lm.url) },
    });
    // every request Koa serves makes a context first
    const app = s.koogate.app as Koa & { createContext: Koa["createContext"] };
    const createContext = app.createContext.bind(app);
    app.createContext = (req, res) => {
      koaContexts++;
      return createContext(req, res);
    };
  });
  after(async () => {
    await s?.close();
    await lm?.close();
  });
  beforeEach(() => (koaContexts = 0));

  it("serves a signed production call and a relay call without a Koa context, and the operations routes with one", async () => {
    const r = await s.send({ activity: "newInstance", orderId: "PR-1", orderLineId: "PR-1-1", businessId: "pr-1", testFlag: "0" });
    expect(r.json.resultCode).to.equal("000000");
    expect((await call(s.url, "POST", "/licenses/relay/check", "{nope")).status).to.equal(400);
    expect(koaContexts).to.equal(0);
    expect((await call(s.url, "GET", "/healthz")).status).to.equal(200);
    expect(koaContexts).to.equal(1);
  });

  for (const [what, method, target, body] of [
    ["a relay call with a malformed body", "POST", "/licenses/relay/check", "{nope"],
    ["a relay call the relay does not serve", "POST", "/licenses/relay/delete", "{}"],
    ["a production call with no signature", "POST", "/produce/test-saas", "{}"],
    ["a production call with a bad signature", "POST", "/produce/test-saas?signature=x&timestamp=1&nonce=n", "{\"activity\":\"newInstance\"}"],
  ] as const) {
    it(`answers ${what} byte for byte as Koa answers it`, async () => {
      const below = await call(s.url, method, target, body);
      expect(koaContexts).to.equal(0);
      // a trailing slash is a target the router takes and the fast path leaves to Koa
      const q = target.indexOf("?");
      const throughKoa = await call(s.url, method, q < 0 ? `${target}/` : `${target.slice(0, q)}/${target.slice(q)}`, body);
      expect(koaContexts).to.equal(1);
      expect(below).to.deep.equal(throughKoa);
    });
  }

  it("leaves to Koa an unknown product, another method, another letter case and a percent-escaped id, which it answers as before", async () => {
    expect((await call(s.url, "POST", "/produce/nope", "{}")).status).to.equal(404);
    expect((await call(s.url, "PUT", "/produce/test-saas", "{}")).status).to.equal(405);
    expect((await call(s.url, "POST", "/licenses/test-saas/check", "{}")).status).to.equal(404);
    expect((await call(s.url, "POST", "/LICENSES/relay/check", "{nope")).status).to.equal(400);
    expect((await call(s.url, "POST", "/licenses/%72elay/check", "{nope")).status).to.equal(400);
    expect(koaContexts).to.equal(5);
  });
});
