import type { Server } from "node:http";
import { expect } from "chai";
import Koa from "koa";
import { gatewayAuth, verifyGatewayCall, type GatewayState } from "../../index.js";
import { APIG_KEY, APIG_SECRET, apigCall, sendRaw, signedRaw } from "../support/gateway.js";

describe("the gateway check from the public entry, in a merchant's own Koa server", () => {
  let server: Server;
  let url: string;
  let reached = 0;
  before(async () => {
    const app = new Koa();
    const claimed = new Set<string>();
    const claim = (signature: string) => !claimed.has(signature) && !!claimed.add(signature);
    app.use(gatewayAuth({ scheme: "apig-signature", keys: [{ key: APIG_KEY, secret: APIG_SECRET }] }, { claim }));
    app.use((ctx) => {
      reached++;
      const g = (ctx.state as { gateway: GatewayState }).gateway;
      ctx.body = { buyer: g.verdict.buyer.customerId, body: g.rawBody?.toString("utf8") };
    });
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it("lets a signed call through, with the exact body bytes and the buyer", async () => {
    const res = await apigCall(`${url}/orders`, { body: "hello", headers: { "x-customer-id": "b-9" } });
    expect(await res.json()).to.deep.equal({ buyer: "b-9", body: "hello" });
  });

  it("answers a wrong signature 401 before the merchant's handler runs", async () => {
    const before = reached;
    const res = await apigCall(`${url}/orders`, { body: "hello", sk: "wrong" });
    expect(res.status).to.equal(401);
    expect(await res.json()).to.deep.equal({ error: "gateway authentication invalid" });
    expect(reached).to.equal(before);
  });

  it("refuses a replayed signature with 401 when given a claim function", async () => {
    const captured = signedRaw(url, "/orders", { body: "once" });
    expect((await sendRaw(url, captured)).status).to.equal(200);
    const before = reached;
    const again = await sendRaw(url, captured);
    expect([again.status, JSON.parse(again.body)]).to.deep.equal([401, { error: "gateway authentication already used" }]);
    expect(reached).to.equal(before);
  });

  it("gives a verdict as a plain function, for Express or anything else", () => {
    const verdict = verifyGatewayCall({ scheme: "constant-header", header: "x-secret", keys: [{ secret: "abc" }] }, { method: "GET", path: "/", rawQuery: "", headers: { "x-secret": "abd" } });
    expect(verdict).to.include({ ok: false, status: 401, reason: "bad-signature", error: "gateway authentication invalid" });
  });
});
