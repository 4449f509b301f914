import { readSettings } from "../../../core/settings/index.js";
import { createServer } from "node:net";
import { expect } from "chai";
import { MarketplaceClient } from "../../../core/marketplace/client.js";
import { marketplaceSettings } from "../../../core/settings/index.js";
import { isLoopbackHost } from "../../../core/marketplace/loopback.js";
import { SetupError } from "../../../core/errors.js";
import { createLogger } from "../../../core/logger.js";
import { startLocalMarketplace } from "../../../sim/marketplace/server.js";

/** A loopback port nothing listens on: bound, then closed. */
async function refusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe("MarketplaceClient hosts and configuration", () => {
  it("uses the fallback host when the first refuses connections", async () => {
    const mkt = await startLocalMarketplace({ ak: "a", sk: "s" });
    try {
      const lines: string[] = [];
      const client = new MarketplaceClient({
        baseUrl: `http://127.0.0.1:${await refusedPort()}`,
        fallbackUrl: mkt.url,
        ak: "a",
        sk: "s",
        logger: createLogger({ write: (l) => lines.push(l) }),
      });
      const r = await client.queryOrder({ orderId: "MOCKMONTYCHANGE" });
      expect([r.ok, r.attempts]).to.deep.equal([true, 1]);
      expect(mkt.state.calls).to.have.length(1);
      expect(lines.some((l) => l.includes("trying the fallback host"))).to.equal(true);
    } finally {
      await mkt.close();
    }
  });

  it("does not use the fallback host on an HTTP answer", async () => {
    const first = await startLocalMarketplace({ ak: "a", sk: "s", faults: { always: "500" } });
    const second = await startLocalMarketplace({ ak: "a", sk: "s" });
    try {
      const client = new MarketplaceClient({ baseUrl: first.url, fallbackUrl: second.url, ak: "a", sk: "s", retries: 0 });
      const r = await client.queryOrder({ orderId: "MOCKMONTYCHANGE" });
      expect([r.ok, second.state.calls.length]).to.deep.equal([false, 0]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it("refuses plain http to a non-loopback address", () => {
    expect(() => new MarketplaceClient({ baseUrl: "http://mkt.myhuaweicloud.com" })).to.throw(/plain http on a non-loopback host; use https/);
    expect(() => new MarketplaceClient({ baseUrl: "http://10.1.2.3:8080" })).to.throw(/non-loopback/);
  });

  it("accepts plain http on loopback, and says so in the log", () => {
    const lines: string[] = [];
    new MarketplaceClient({ baseUrl: "http://localhost:9999", logger: createLogger({ write: (l) => lines.push(l) }) });
    expect(lines.join("\n")).to.match(/plain http to a loopback address/);
  });

  it("knows the loopback addresses", () => {
    expect(["127.0.0.1", "127.9.9.9", "localhost", "[::1]", "::1"].map(isLoopbackHost)).to.deep.equal([true, true, true, true, true]);
    expect(["128.0.0.1", "10.0.0.1", "localhost.example.com", "::2", "mkt.myhuaweicloud.com"].map(isLoopbackHost)).to.deep.equal([false, false, false, false, false]);
  });

  it("fails the first AK/SK call, not the construction, when the keys are not set", async () => {
    const client = MarketplaceClient.fromSettings(readSettings({ KOOGATE_MARKETPLACE_URL: "http://127.0.0.1:1" }).marketplace);
    try {
      await client.queryOrder({ orderId: "X" });
      expect.fail("expected a SetupError");
    } catch (e) {
      expect(e).to.be.instanceOf(SetupError);
      expect((e as Error).message).to.match(/KOOGATE_MARKETPLACE_AK and KOOGATE_MARKETPLACE_SK/);
    }
  });

  it("reads the environment once, with the .cn fallback only for the default host", () => {
    expect(marketplaceSettings({})).to.deep.equal({ baseUrl: "https://mkt.myhuaweicloud.com", fallbackUrl: "https://mkt.myhuaweicloud.cn", ak: undefined, sk: undefined, maxAnswerBytes: 4 * 1024 * 1024 });
    expect(marketplaceSettings({ KOOGATE_MARKETPLACE_URL: "https://mkt-intl.myhuaweicloud.com", KOOGATE_MARKETPLACE_AK: " ak ", KOOGATE_MARKETPLACE_SK: "sk" })).to.deep.equal({
      baseUrl: "https://mkt-intl.myhuaweicloud.com",
      fallbackUrl: null,
      ak: "ak",
      sk: "sk",
      maxAnswerBytes: 4 * 1024 * 1024,
    });
  });

  it("reads KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES in decimal digits only", () => {
    expect(marketplaceSettings({ KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES: "65536" }).maxAnswerBytes).to.equal(65536);
    for (const v of ["0x10000", "1e6", "65536.5", "-65536", "100", "2000000000"]) {
      expect(() => marketplaceSettings({ KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES: v }), v).to.throw(SetupError, /KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES/);
    }
  });
});
