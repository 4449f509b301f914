import { expect } from "chai";
import { lostLogLines } from "../../core/logger.js";
import { productYaml, startServer, type TestServer } from "../support/server.js";
import { APIG_KEYS, apiYaml, apigCall, GATEWAY_ENV, startUpstream, type Upstream } from "../support/gateway.js";

/** Log lines "kept" in a destination that refuses every write, as a full disk does. */
function fullDisk(): string[] {
  const refuse = () => {
    throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
  };
  return new Proxy([] as string[], { get: (target, key) => (key === "push" ? refuse : Reflect.get(target, key)) });
}

// A failed log write loses the line, never the process nor the call (core/logger.ts).
describe("a server whose log destination refuses every write", () => {
  let upstream: Upstream;
  let s: TestServer;
  before(async () => {
    upstream = await startUpstream();
    s = await startServer({
      env: GATEWAY_ENV,
      logLines: fullDisk(),
      products: { "test-saas.yaml": productYaml("test-saas"), "p.yaml": apiYaml("p", ["auth: apig-signature", ...APIG_KEYS, `upstream: ${upstream.url}`]) },
    });
  });
  after(async () => {
    await s?.close();
    await upstream?.close();
  });

  it("still answers signed and refused API calls and marketplace calls, and counts the lines it lost", async () => {
    const before = lostLogLines();
    expect((await apigCall(`${s.url}/api/p/x`)).status).to.equal(200);
    for (let i = 0; i < 5; i++) expect((await fetch(`${s.url}/api/p/x`)).status).to.equal(401);
    expect((await s.send({ activity: "queryInstance", instanceId: "none-such" })).json.resultCode).to.equal("000003");
    expect((await fetch(`${s.url}/healthz`)).status).to.equal(200);
    expect(lostLogLines()).to.be.greaterThan(before);
  });
});
