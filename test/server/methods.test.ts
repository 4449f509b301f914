import { request } from "node:http";
import { expect } from "chai";
import { signBasicRequest } from "../../core/signing/basic.js";
import { startServer, TEST_KEY, type TestServer } from "../support/server.js";

/** Sends `method path` and reads the status, Content-Type and body (fetch refuses TRACE and CONNECT-like methods). */
function send(url: string, method: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString("utf8")));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("every method and path answers JSON", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  for (const method of ["TRACE", "PROPFIND", "OPTIONS", "PUT", "MKCOL"]) {
    for (const path of ["/produce/test-saas", "/no/such/path"]) {
      it(`answers ${method} ${path} with a 405 JSON, never a plain-text 501`, async () => {
        const r = await send(s.url, method, path);
        expect([r.status, r.type]).to.deep.equal([405, "application/json; charset=utf-8"]);
        expect(JSON.parse(r.body)).to.deep.equal({ error: "method not allowed" });
      });
    }
  }

  for (const name of ["signature", "timestamp", "nonce"]) {
    it(`refuses a repeated ${name} query parameter with 000002 and creates no instance`, async () => {
      const body = JSON.stringify({ activity: "newInstance", orderId: `REP-${name}`, orderLineId: `REP-${name}-1`, businessId: `rep-${name}` });
      const { query } = signBasicRequest({ accessKey: TEST_KEY, body });
      const value = new URLSearchParams(query).get(name)!;
      // the valid value first, so that a server taking the first one would accept the call
      const r = await s.send(body, { query: `${query}&${name}=${encodeURIComponent(value === "0" ? "1" : `${value}0`)}` });
      expect(r.json).to.deep.equal({ resultCode: "000002", resultMsg: `${name} is repeated` });
      expect(await s.koogate.db("koogate_instances").where({ order_id: `REP-${name}` })).to.deep.equal([]);
    });
  }
});
