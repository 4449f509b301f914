import { expect } from "chai";
import { startServer, TEST_KEY, type TestServer } from "../support/server.js";
import { signBasicRequest } from "../../core/signing/basic.js";

let order = 0;
const newOrder = () => {
  order++;
  return { activity: "newInstance", orderId: `CS${order}`, orderLineId: `CS${order}-000001`, businessId: `biz-${order}-${Date.now()}`, testFlag: "0" };
};

describe("POST /produce/<id> (the SaaS 2.0 production interface)", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer();
  });
  after(() => s.close());

  it("answers newInstance with the businessId as instanceId and a Body-Sign over the exact bytes", async () => {
    const o = newOrder();
    const r = await s.send(o);
    expect(r.status).to.equal(200);
    expect(r.text).to.equal(`{"resultCode":"000000","resultMsg":"success.","instanceId":"${o.businessId}"}`);
    expect(r.bodySignProblem).to.equal(null);
  });

  it("answers an unknown product with 404 and a short JSON error", async () => {
    const r = await s.send({ activity: "queryInstance", instanceId: "x" }, { product: "no-such-product" });
    expect(r.status).to.equal(404);
    expect(r.json).to.deep.equal({ error: "unknown product" });
  });

  it("refuses a request signed with another key with 000001, still signed", async () => {
    const r = await s.send({ activity: "queryInstance", instanceId: "x" }, { key: "wrong" });
    expect(r.json.resultCode).to.equal("000001");
    const ok = await fetch(`${s.url}/healthz`);
    expect(ok.status).to.equal(200);
    void TEST_KEY;
    void signBasicRequest;
  });
});
