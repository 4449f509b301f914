import { expect } from "chai";
import { signBasicRequest } from "../../core/signing/basic.js";
import { countRows } from "../support/orders.js";
import { startServer, TEST_KEY, type TestServer } from "../support/server.js";

describe("malformed and invalid requests (docs/marketplace/saas.md §4, §6: 000002)", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({ env: {} });
  });
  after(() => s.close());

  const cases: Array<[string, string]> = [
    ["malformed JSON", '{"activity":"newInstance","orderId":'],
    ["a JSON array instead of an object", "[1,2,3]"],
    ["an empty body", ""],
    ["a missing activity", '{"orderId":"A","orderLineId":"A-1","businessId":"b"}'],
    ["an unknown activity", '{"activity":"deleteEverything","instanceId":"x"}'],
    ["a missing orderLineId", '{"activity":"newInstance","orderId":"A","businessId":"b"}'],
    ["a number where a string is required", '{"activity":"newInstance","orderId":12345,"orderLineId":"A-1","businessId":"b"}'],
    ["an empty orderId", '{"activity":"newInstance","orderId":"","orderLineId":"A-1","businessId":"b"}'],
    ["an orderId of 65 characters", `{"activity":"newInstance","orderId":"${"O".repeat(65)}","orderLineId":"A-1","businessId":"b"}`],
    ["a businessId of 65 characters", `{"activity":"newInstance","orderId":"A","orderLineId":"A-1","businessId":"${"b".repeat(65)}"}`],
    ["an invalid testFlag", '{"activity":"newInstance","orderId":"A","orderLineId":"A-1","businessId":"b","testFlag":"yes"}'],
    ["an expireTime that is not a time", '{"activity":"refreshInstance","instanceId":"i","orderId":"A","orderLineId":"A-1","scene":"RENEWAL","expireTime":"2027-12-31"}'],
    ["a productInfo that is not an object", '{"activity":"changeInstanceCheck","instanceId":"i","productInfo":"big"}'],
  ];

  for (const [what, body] of cases) {
    it(`answers 000002 to ${what}, signed, and writes no instance`, async () => {
      const r = await s.send(body);
      expect(r.status).to.equal(200);
      expect(r.json.resultCode).to.equal("000002");
      expect(r.bodySignProblem).to.equal(null);
      expect(await countRows(s.koogate.db, "koogate_instances")).to.equal(0);
    });
  }

  it("names the broken field in resultMsg", async () => {
    const r = await s.send('{"activity":"newInstance","orderId":"A","businessId":"b"}');
    expect(r.json.resultMsg).to.equal("param is invalid: orderLineId is missing");
  });

  it("answers 000002 to a body larger than the server accepts, without reading it", async () => {
    const body = JSON.stringify({ activity: "newInstance", orderId: "A", orderLineId: "A-1", businessId: "b", pad: "x".repeat(70_000) });
    const r = await s.send(body);
    expect(r.json.resultCode).to.equal("000002");
    expect(r.json.resultMsg).to.include("too large");
  });

  it("keeps serving after bad input: the next valid call succeeds", async () => {
    const body = JSON.stringify({ activity: "newInstance", orderId: "OK1", orderLineId: "OK1-1", businessId: "ok-biz" });
    const { query } = signBasicRequest({ accessKey: TEST_KEY, body });
    const r = await s.send(body, { query });
    expect(r.json.resultCode).to.equal("000000");
    expect(await countRows(s.koogate.db, "koogate_instances")).to.equal(1);
  });

  it("answers an unknown path with 404 JSON and a GET on a 2.0 product with 405, never a stack trace", async () => {
    const a = await fetch(`${s.url}/nothing/here`);
    expect(a.status).to.equal(404);
    expect(await a.json()).to.deep.equal({ error: "not found" });
    const b = await fetch(`${s.url}/produce/test-saas`);
    expect(b.status).to.equal(405);
    expect(await b.text()).to.not.include("at ");
  });
});
