import { expect } from "chai";
import { signAgentJwt } from "../../core/signing/agents-jwt.js";
import { startServer, type TestServer } from "../support/server.js";
import { eventually } from "../support/wait.js";
import { AGENT_KEY, AGENT_KEYS, AGENT_SECRET, agentCall, apiYaml, GATEWAY_ENV, startUpstream, type Upstream } from "../support/gateway.js";

describe("Agents-gateway listings (auth: agents-jwt, billing: tokens), through the real server", () => {
  let upstream: Upstream;
  let s: TestServer;
  const lines: string[] = [];
  before(async () => {
    upstream = await startUpstream((req, res, body) => {
      res.setHeader("content-type", "application/json");
      // /free answers without usage: the gateway would bill it as zero (§6.4)
      res.end(req.url === "/free" ? JSON.stringify({ data: body }) : JSON.stringify({ data: body, usage: { prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 } }));
    });
    s = await startServer({
      env: GATEWAY_ENV,
      logLines: lines,
      products: {
        "agent.yaml": apiYaml("agent", ["auth: agents-jwt", ...AGENT_KEYS, "billing: tokens", "adapter: DemoAgentAdapter"]),
        "llm.yaml": apiYaml("llm", ["auth: agents-jwt", ...AGENT_KEYS, "billing: tokens", `upstream: ${upstream.url}`]),
      },
    });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  it("answers a call with a fresh JWT: the demo agent's answer carries usage", async () => {
    const res = await agentCall(`${s.url}/api/agent/chat`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ data: { answer: "You said: hello there" }, usage: { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 } });
  });

  it("streams the demo agent's answer as Server-Sent Events, usage in the last event before [DONE]", async () => {
    const res = await agentCall(`${s.url}/api/agent/chat`, { body: JSON.stringify({ input: "hi", stream: true }) });
    expect(res.headers.get("content-type")).to.equal("text/event-stream");
    const events = (await res.text()).split("\n\n").filter(Boolean);
    expect(events.at(-1)).to.equal("data: [DONE]");
    expect(JSON.parse(events.at(-2)!.slice(6))).to.have.property("usage");
  });

  it("accepts the bare token as well as Bearer", async () => {
    const token = signAgentJwt({ appKey: AGENT_KEY, appSecret: AGENT_SECRET });
    const res = await fetch(`${s.url}/api/agent/chat`, { method: "POST", body: '{"input":"x"}', headers: { authorization: token } });
    expect(res.status).to.equal(200);
  });

  const refusals: Array<[string, () => string]> = [
    ["a wrong secret", () => signAgentJwt({ appKey: AGENT_KEY, appSecret: "wrong" })],
    ["an unknown APP Key", () => signAgentJwt({ appKey: "other-app", appSecret: AGENT_SECRET })],
    ["an expired token", () => signAgentJwt({ appKey: AGENT_KEY, appSecret: AGENT_SECRET, nowMs: Date.now() - 6 * 60_000 })],
    ["a token from the future", () => signAgentJwt({ appKey: AGENT_KEY, appSecret: AGENT_SECRET, nowMs: Date.now() + 6 * 60_000 })],
    ["alg HS384", () => signAgentJwt({ appKey: AGENT_KEY, appSecret: AGENT_SECRET, header: { alg: "HS384" } })],
  ];
  for (const [what, token] of refusals) {
    it(`refuses ${what} with 401, forwarding nothing`, async () => {
      const n = upstream.seen.length;
      const res = await agentCall(`${s.url}/api/llm/chat`, { token: token() });
      expect(res.status).to.equal(401);
      expect(Object.keys((await res.json()) as object)).to.deep.equal(["error"]);
      expect(upstream.seen).to.have.length(n);
    });
  }

  it("passes an answer with usage unchanged and notes nothing", async () => {
    const res = await agentCall(`${s.url}/api/llm/chat`, { headers: { "x-request-id": "usage-ok" } });
    expect(((await res.json()) as { usage: object }).usage).to.deep.equal({ prompt_tokens: 3, completion_tokens: 5, total_tokens: 8 });
    const row = await eventually(() => s.koogate.db("koogate_api_calls").where({ request_id: "usage-ok" }).first(), "the call's row");
    expect(row.note).to.equal(null);
  });

  it("passes an answer without usage unchanged, but logs and counts it as billed zero", async () => {
    const res = await agentCall(`${s.url}/api/llm/free`, { body: '{"input":"q"}', headers: { "x-request-id": "usage-none" } });
    expect(await res.json()).to.deep.equal({ data: '{"input":"q"}' });
    const row = await eventually(() => s.koogate.db("koogate_api_calls").where({ request_id: "usage-none" }).first(), "the call's row");
    expect(row).to.include({ status: 200, outcome: "answered", note: "usage missing" });
    expect(lines.some((l) => l.includes("billed as zero") && l.includes('"product":"llm"'))).to.equal(true);
  });
});
