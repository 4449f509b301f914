import { expect } from "chai";
import { signAgentJwt } from "../../core/signing/agents-jwt.js";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";
import { AGENT_KEY, AGENT_KEYS, AGENT_SECRET, agentCall, APIG_KEYS, apiYaml, apigCall, GATEWAY_ENV, startUpstream, type Upstream } from "../support/gateway.js";

/** The call log's buyer and status of the calls whose request id starts with `prefix`, once there are `n`. */
async function logged(s: TestServer, prefix: string, n: number): Promise<Array<[string | null, number]>> {
  return eventually(async () => {
    const rows: Array<{ buyer_id: string | null; status: number }> = await s.koogate.db("koogate_api_calls").where("request_id", "like", `${prefix}%`).orderBy("id");
    return rows.length === n ? rows.map((r) => [r.buyer_id, r.status] as [string | null, number]) : null;
  }, `${n} rows of ${prefix}`);
}

// X-Customer-Id is who the gateway says is calling: koogate takes it as the buyer only when the call's
// authentication covers it (docs/marketplace/api-image-openapi.md §6.3, §6.4).
describe("the buyer of an API call: only an identity the gateway's authentication covers", () => {
  let upstream: Upstream;
  let s: TestServer;
  before(async () => {
    upstream = await startUpstream();
    const limited = "rateLimit: { requests: 3, perSeconds: 3600 }";
    s = await startServer({
      env: GATEWAY_ENV,
      products: {
        "apig.yaml": apiYaml("apig", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`, limited]),
        "jwt.yaml": apiYaml("jwt", ["auth: agents-jwt", ...AGENT_KEYS, `upstream: ${upstream.url}`, limited]),
      },
    });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  it("limits 25 calls whose signature does not cover X-Customer-Id as one unknown buyer, whatever id each sends, and logs no buyer", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await apigCall(`${s.url}/api/apig/x`, { headers: { "x-request-id": `unsigned-${i}` }, unsigned: { "x-customer-id": `acct-${i}` } });
      statuses.push(res.status);
    }
    expect(statuses).to.deep.equal([200, 200, 200, ...Array(22).fill(429)]);
    expect(await logged(s, "unsigned-", 25)).to.deep.equal(statuses.map((st) => [null, st]));
  });

  it("takes a signed X-Customer-Id as the buyer: its own bucket, its id in the call log", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await apigCall(`${s.url}/api/apig/x`, { headers: { "x-customer-id": "acct-signed", "x-request-id": `signed-${i}` } })).status);
    expect(statuses).to.deep.equal([200, 200, 200, 429]);
    expect(await logged(s, "signed-", 4)).to.deep.equal(statuses.map((st) => ["acct-signed", st]));
  });

  it("limits 25 calls with one Agents JWT as one unknown buyer: the token does not name the buyer", async () => {
    const token = signAgentJwt({ appKey: AGENT_KEY, appSecret: AGENT_SECRET });
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await agentCall(`${s.url}/api/jwt/chat`, { token, headers: { "x-customer-id": `acct-${i}`, "x-request-id": `jwt-${i}` } })).status);
    expect(statuses).to.deep.equal([200, 200, 200, ...Array(22).fill(429)]);
    expect(await logged(s, "jwt-", 25)).to.deep.equal(statuses.map((st) => [null, st]));
  });
});
