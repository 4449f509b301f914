import { request } from "node:http";
import { expect } from "chai";
import { startServer, type TestServer } from "../support/server.js";
import { apiYaml, GATEWAY_ENV, startUpstream, type Upstream } from "../support/gateway.js";

/** Sends one request and returns its status, headers and body bytes exactly as they arrived. */
function call(base: string, method: string, target: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, method, path: target, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

// The calls of API listings are served below Koa (server/api-fast-path.ts); they are answered as Koa answered them.
describe("the answers of an API listing's upstream, as the caller receives them", () => {
  let upstream: Upstream;
  let s: TestServer;
  const secret = { "x-gateway-secret": "s3cret-value" };
  before(async () => {
    upstream = await startUpstream((req, res) => {
      if (req.url === "/empty") return void res.writeHead(204, { "content-type": "application/json", "x-kept": "yes" }).end();
      if (req.url === "/untyped") return void res.end("plain");
      res.writeHead(200, { "content-type": "text/plain", "content-length": "5" });
      res.end(req.method === "HEAD" ? undefined : "hello");
    });
    s = await startServer({
      env: { ...GATEWAY_ENV, TEST_SECRET_HEADER: "s3cret-value" },
      products: { "c.yaml": apiYaml("c", ["auth: constant-header", "header: X-Gateway-Secret", "gatewayKeys:", "  - { secret: TEST_SECRET_HEADER }", `upstream: ${upstream.url}`]) },
    });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  it("passes the upstream's answer, its status, headers and bytes", async () => {
    const res = await call(s.url, "GET", "/api/c/text", secret);
    expect(res).to.deep.include({ status: 200, body: "hello" });
    expect(res.headers).to.include({ "content-type": "text/plain", "content-length": "5" });
  });

  it("answers HEAD with the upstream's headers and no body", async () => {
    const res = await call(s.url, "HEAD", "/api/c/text", secret);
    expect(res).to.deep.include({ status: 200, body: "" });
    expect(res.headers).to.include({ "content-type": "text/plain", "content-length": "5" });
  });

  it("answers a 204 without a body, a Content-Type or a Content-Length, with the other headers", async () => {
    const res = await call(s.url, "GET", "/api/c/empty", secret);
    expect(res).to.deep.include({ status: 204, body: "" });
    expect(res.headers).not.to.have.any.keys("content-type", "content-length");
    expect(res.headers["x-kept"]).to.equal("yes");
  });

  it("types an upstream answer that has no Content-Type as JSON, as ever", async () => {
    const res = await call(s.url, "GET", "/api/c/untyped", secret);
    expect(res).to.deep.include({ status: 200, body: "plain" });
    expect(res.headers["content-type"]).to.equal("application/json; charset=utf-8");
  });

  it("answers a refused call with its JSON error and Content-Length", async () => {
    const res = await call(s.url, "GET", "/api/c/text", { "x-gateway-secret": "wrong" });
    expect(res.status).to.equal(401);
    expect(res.headers["content-length"]).to.equal(String(Buffer.byteLength(res.body)));
    expect(JSON.parse(res.body)).to.have.property("error");
  });

  it("serves a percent-escaped product id as its decoded id, and an unknown product with a 404", async () => {
    expect((await call(s.url, "GET", "/api/%63/text", secret)).body).to.equal("hello");
    const unknown = await call(s.url, "GET", "/api/nope/text", secret);
    expect(unknown.status).to.equal(404);
    expect(JSON.parse(unknown.body)).to.deep.equal({ error: "unknown product" });
  });
});
