import { expect } from "chai";
import { verifyAuthToken } from "../../core/signing/auth-token.js";
import { verifyKit } from "../../core/signing/kit.js";
import { kitRequest } from "../../core/kinds/saas/scenarios/kit-requests.js";
import { v1Request } from "../../core/simulation/requests/v1.js";
import { syncTime, tenantSyncBody } from "../../core/kinds/saas/scenarios/sync-bodies.js";
import { fakeProduct, target } from "../support/sim.js";
import { keyLists } from "../support/keys.js";

// docs/marketplace/saas.md §10.2 (self-computed), key made up by the spec's authors.
const KEY = "00000000-1111-2222-3333-444444444444";

describe("the simulator's joint-operation request builder (docs/marketplace/saas.md §2.2, vector S4)", () => {
  const t = target(fakeProduct("basic-key", { keys: keyLists({ basic: ["basic-key"], kit: [KEY] }) }), "http://127.0.0.1:9");
  const nonce = "50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA";
  const body = tenantSyncBody({
    instanceId: "huaiweitest123456",
    orderId: "CS1906666666ABCDE",
    tenantId: "68cbc86abc2018ab880d92f36422fa0e",
    tenantCode: "huawei",
    name: "huaiweitest",
    domainName: "https://example.tenantaccount.com",
    flag: 1,
    testFlag: "0",
    timeStamp: "20220413093539534",
  });

  it("builds the documented tenantSync body, field for field in the spec's order", () => {
    const req = kitRequest(t, "tenantSync", body, { nonce, timestamp: "1680508066618" });
    expect(req.body!.toString()).to.equal(
      '{"instanceId":"huaiweitest123456","orderId":"CS1906666666ABCDE","tenantId":"68cbc86abc2018ab880d92f36422fa0e","tenantCode":"huawei","name":"huaiweitest","domainName":"https://example.tenantaccount.com","flag":1,"testFlag":0,"timeStamp":"20220413093539534"}',
    );
    expect(req.url).to.equal("http://127.0.0.1:9/produce/fake/produceAPI/v2/tenantSync");
  });

  it("signs it with the kit key as vector S4", () => {
    const req = kitRequest(t, "tenantSync", body, { nonce, timestamp: "1680508066618" });
    expect(req.headers["x-sign"]).to.equal("389BB8C7F66CF71A5B2C3085153D1882AB5E7918C3630FD488281C3059E0AA73");
    expect(req.headers["x-nonce"]).to.equal(nonce);
    expect(req.headers["x-timestamp"]).to.equal("1680508066618");
  });

  it("expects the answer's Body-Sign made with the kit key", () => {
    expect(kitRequest(t, "tenantSync", body).replyKeys).to.deep.equal([KEY]);
  });

  it("signs fresh requests the server's verifier accepts", () => {
    const req = kitRequest(t, "authSync", { tenantId: "t", userList: [{ userName: "a" }] });
    const v = verifyKit({ rawBody: req.body!, header: (n) => req.headers[n], keys: [KEY], nowMs: Date.now() });
    expect(v.form).to.equal("raw");
  });

  it("writes joint-op times as yyyyMMddHHmmssSSS in UTC+8", () => {
    expect(syncTime(Date.UTC(2022, 3, 13, 1, 35, 39, 534))).to.equal("20220413093539534");
  });
});

describe("the simulator's 1.0 request builder (docs/marketplace/saas.md §2.3, Huawei's vector of §10.1)", () => {
  const HUAWEI_QUERY =
    "activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&expireTime=20200727153156&orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1&timeStamp=20200727073711903";
  const t = target(fakeProduct("xxxxxxx", { protocol: "v1" }), "http://127.0.0.1:9", { testFlag: "1" });

  it("reproduces Huawei's newInstance query and authToken byte for byte", () => {
    const req = v1Request(
      t,
      "newInstance",
      { orderId: "CS1906666666ABCDE", businessId: "61e834ba-7b97-4418-b8f7-e5345137278c", productId: "00301-666666-0--0", customerId: "68cbc86abc2018ab880d92f36422fa0e", expireTime: "20200727153156" },
      { timeStamp: "20200727073711903" },
    );
    expect(req.method).to.equal("GET");
    expect(req.url).to.equal(`http://127.0.0.1:9/produce/fake?${HUAWEI_QUERY}&authToken=${encodeURIComponent("Gzbfjf9LHRBcI3bFVi++sLinCNOBF6qa7is1fvjEgYQ=")}`);
  });

  it("URL-encodes values and signs them decoded, as the server's verifier reads them", () => {
    const req = v1Request(t, "queryInstance", { instanceId: "a+b c" });
    expect(req.url).to.include("instanceId=a%2Bb%20c");
    const v = verifyAuthToken(new URL(req.url).search.slice(1), ["xxxxxxx"]);
    expect(v.form).to.equal("decoded");
    expect(v.params.get("instanceId")).to.equal("a+b c");
  });
});
