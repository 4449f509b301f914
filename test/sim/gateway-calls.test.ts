import { createServer } from "node:http";
import { expect } from "chai";
import type { ApiProduct } from "../../core/kinds/api/product.js";
import { AGENT_KEYS, APIG_KEYS, apiYaml, GATEWAY_ENV } from "../support/gateway.js";
import { startServer, type TestServer } from "../support/server.js";
import { failures, listenOnLoopback, run, target, targetOf } from "../support/sim.js";

describe("koogate sim api-call and agent-call: the gateways played against the real server", () => {
  let s: TestServer;
  before(async () => {
    s = await startServer({
      env: GATEWAY_ENV,
      products: {
        "stats.yaml": apiYaml("stats", ["auth: apig-signature", ...APIG_KEYS, "adapter: DemoTextStatsAdapter"]),
        "agent.yaml": apiYaml("agent", ["auth: agents-jwt", ...AGENT_KEYS, "billing: tokens", "adapter: DemoAgentAdapter"]),
      },
    });
  });
  after(() => s?.close());

  it("api-call passes every step: the valid call gets through, its replay, wrong secret, stale date and tampered body are refused", async () => {
    const r = await run("api-call", targetOf(s, "stats"), { path: "/stats" });
    expect(failures(r)).to.deep.equal([]);
    expect(r.steps.map((x) => x.label)).to.deep.equal(["correctly signed", "the same call again (a replay)", "wrong secret", "X-Sdk-Date 16 minutes old", "body changed after signing"]);
  });

  it("agent-call passes every step: the valid call gets through, wrong secret and expired token are refused", async () => {
    const r = await run("agent-call", targetOf(s, "agent"), { path: "/chat" });
    expect(failures(r)).to.deep.equal([]);
    expect(r.steps).to.have.length(3);
  });

  it("api-call fails a backend that lets every call through", async () => {
    const open = createServer((_req, res) => res.end("{}"));
    const url = await listenOnLoopback(open);
    try {
      const product = s.koogate.kernel.product("stats")!.product as ApiProduct;
      const r = await run("api-call", target(product, url));
      expect(failures(r)).to.have.length(4);
      expect(failures(r)[0]).to.match(/HTTP 200, expected 401/);
    } finally {
      open.close();
    }
  });
});
