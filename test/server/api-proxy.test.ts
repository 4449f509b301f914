import { createServer } from "node:net";
import { expect } from "chai";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";
import { APIG_KEYS, apiYaml, apigCall, GATEWAY_ENV, startUpstream, type Upstream } from "../support/gateway.js";

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe("the upstream proxy of API listings", () => {
  let release: () => void = () => undefined;
  let upstream: Upstream;
  let s: TestServer;
  before(async () => {
    upstream = await startUpstream((req, res) => {
      if (req.url === "/sse") {
        res.writeHead(200, { "content-type": "text/event-stream", "x-upstream": "yes", connection: "keep-alive, x-private", "x-private": "hop" });
        res.write("data: first\n\n");
        // the rest only once the test has received the first event
        release = () => res.end("data: last\n\n");
        return;
      }
      if (req.url === "/slow") return void setTimeout(() => res.end("late"), 2000);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ headers: req.headers }));
    });
    const down = await closedPort();
    s = await startServer({
      env: { ...GATEWAY_ENV, TEST_SECRET_HEADER: "s3cret-value" },
      products: {
        "p.yaml": apiYaml("p", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`, "upstreamTimeoutMs: 300", "rateLimit: { requests: 3, perSeconds: 3600 }"]),
        "down.yaml": apiYaml("down", ["auth: apig-signature", ...APIG_KEYS, `upstream: http://127.0.0.1:${down}`]),
        "c.yaml": apiYaml("c", ["auth: constant-header", "header: X-Gateway-Secret", "gatewayKeys:", "  - { secret: TEST_SECRET_HEADER }", `upstream: ${upstream.url}`, "maxBodyBytes: 2048"]),
      },
    });
  });
  after(async () => {
    release();
    await s?.close();
    await upstream?.close();
  });

  it("streams Server-Sent Events: the first event arrives before the upstream has finished", async () => {
    const res = await apigCall(`${s.url}/api/p/sse`, { headers: { "x-customer-id": "sse-buyer" } });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.equal("text/event-stream");
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).to.equal("data: first\n\n");
    release();
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).to.equal("data: last\n\n");
  });

  it("logs a streamed answer read to its end as answered with its bytes, and one whose caller went away mid-stream as aborted with the bytes it was handed", async () => {
    const whole = await apigCall(`${s.url}/api/p/sse`, { headers: { "x-customer-id": "sse-whole" } });
    const reader = whole.body!.getReader();
    await reader.read();
    release();
    while (!(await reader.read()).done);
    const gone = await apigCall(`${s.url}/api/p/sse`, { headers: { "x-customer-id": "sse-gone" } });
    const cut = gone.body!.getReader();
    await cut.read();
    await cut.cancel();
    const rows = await eventually(async () => {
      const r: Array<{ buyer_id: string; outcome: string; bytes_out: number | string }> = await s.koogate.db("koogate_api_calls").whereIn("buyer_id", ["sse-whole", "sse-gone"]).orderBy("buyer_id");
      return r.length === 2 ? r : null;
    }, "the two streamed calls' rows");
    release();
    expect(rows.map((r) => [r.buyer_id, r.outcome, Number(r.bytes_out)])).to.deep.equal([
      ["sse-gone", "aborted", "data: first\n\n".length],
      ["sse-whole", "answered", "data: first\n\ndata: last\n\n".length],
    ]);
  });

  it("passes end-to-end answer headers and drops hop-by-hop ones, including those the Connection header names", async () => {
    const res = await apigCall(`${s.url}/api/p/sse`, { headers: { "x-customer-id": "hdr-buyer" } });
    release();
    await res.text();
    expect(res.headers.get("x-upstream")).to.equal("yes");
    expect(res.headers.get("x-private")).to.equal(null);
  });

  it("forwards the gateway's buyer headers but not its credential nor hop-by-hop request headers", async () => {
    const res = await apigCall(`${s.url}/api/p/echo`, { headers: { "x-customer-id": "echo-buyer", "x-customer-name": "Ada", "x-request-id": "rq-echo", te: "trailers" } });
    const { headers } = (await res.json()) as { headers: Record<string, string> };
    expect(headers).to.include({ "x-customer-id": "echo-buyer", "x-customer-name": "Ada", "x-request-id": "rq-echo" });
    expect(headers).not.to.have.property("authorization");
    expect(headers).not.to.have.property("te");
    expect(headers["x-forwarded-for"]).to.equal("127.0.0.1");
  });

  it("answers 502 when the upstream is down", async () => {
    const res = await apigCall(`${s.url}/api/down/x`);
    expect(res.status).to.equal(502);
    expect(await res.json()).to.deep.equal({ error: "upstream unavailable" });
  });

  it("answers 504 when the upstream does not answer within upstreamTimeoutMs", async () => {
    const res = await apigCall(`${s.url}/api/p/slow`, { headers: { "x-customer-id": "slow-buyer" } });
    expect(res.status).to.equal(504);
    expect(await res.json()).to.deep.equal({ error: "upstream timed out" });
  });

  it("answers 429 with Retry-After once a buyer has used its rate, leaving other buyers alone", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await apigCall(`${s.url}/api/p/echo`, { headers: { "x-customer-id": "busy-buyer" } })).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    const limited = await apigCall(`${s.url}/api/p/echo`, { headers: { "x-customer-id": "busy-buyer" } });
    expect(Number(limited.headers.get("retry-after"))).to.be.greaterThan(0);
    expect((await apigCall(`${s.url}/api/p/echo`, { headers: { "x-customer-id": "calm-buyer" } })).status).to.equal(200);
    const rows = await eventually(async () => {
      const r = await s.koogate.db("koogate_api_calls").where({ buyer_id: "busy-buyer", outcome: "limited" });
      return r.length === 2 ? r : null;
    }, "two limited rows");
    expect(rows.map((r: { status: number }) => r.status)).to.deep.equal([429, 429]);
  });

  it("checks a constant header in constant time and streams the body upstream unread", async () => {
    const body = "x".repeat(1500);
    const ok = await fetch(`${s.url}/api/c/up`, { method: "POST", body, headers: { "x-gateway-secret": "s3cret-value" } });
    expect(ok.status).to.equal(200);
    const { headers } = (await ok.json()) as { headers: Record<string, string> };
    expect(headers).not.to.have.property("x-gateway-secret");
    expect(upstream.seen.at(-1)!.body).to.equal(body);
    const n = upstream.seen.length;
    expect((await fetch(`${s.url}/api/c/up`, { method: "POST", body, headers: { "x-gateway-secret": "s3cret-valuX" } })).status).to.equal(401);
    expect((await fetch(`${s.url}/api/c/up`, { method: "POST", body })).status).to.equal(401);
    expect(upstream.seen).to.have.length(n);
  });

  it("refuses a body over maxBodyBytes with 413 before forwarding it", async () => {
    const n = upstream.seen.length;
    const res = await fetch(`${s.url}/api/c/up`, { method: "POST", body: "x".repeat(4096), headers: { "x-gateway-secret": "s3cret-value" } });
    expect(res.status).to.equal(413);
    expect(upstream.seen).to.have.length(n);
  });
});
