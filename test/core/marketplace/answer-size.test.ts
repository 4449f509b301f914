import { expect } from "chai";
import { ANSWER_TOO_LARGE } from "../../../core/marketplace/answers.js";
import { MarketplaceClient } from "../../../core/marketplace/client.js";
import { startHostileMarketplace, type HostileMarketplace } from "../../support/hostile-marketplace.js";

const MIB = 1024 * 1024;

// issue 24, finding 7: a 256 MiB order answer was read whole (RSS 1.2 GB), and three times
describe("answers larger than the client reads (core/marketplace/transport.ts)", () => {
  let mkt: HostileMarketplace | undefined;
  afterEach(async () => mkt?.close());

  for (const chunked of [false, true]) {
    it(`cuts a 256 MiB answer ${chunked ? "sent chunked" : "declared by Content-Length"} at the limit, fails it ANSWER_TOO_LARGE, and does not ask again`, async () => {
      mkt = await startHostileMarketplace({ bytes: 256 * MIB, chunked });
      const client = new MarketplaceClient({ baseUrl: mkt.url, ak: "ak", sk: "sk", maxAnswerBytes: MIB, backoffMs: 1 });
      const r = await client.queryOrder({ orderId: "ORDER-1" });
      expect(r).to.deep.include({ ok: false, family: "http", code: ANSWER_TOO_LARGE, kind: "invalid", attempts: 1 });
      expect(mkt.requests, "asked once").to.equal(1);
      // what the socket buffers took before the cut: far from the 256 MiB offered
      expect(mkt.written, "bytes the marketplace could write").to.be.below(32 * MIB);
    });
  }

  it("reads an answer just under the limit as before", async () => {
    mkt = await startHostileMarketplace({ bytes: 1000 });
    const client = new MarketplaceClient({ baseUrl: mkt.url, ak: "ak", sk: "sk", maxAnswerBytes: 1000, retries: 0 });
    const r = await client.queryOrder({ orderId: "ORDER-1" });
    // a thousand x's are not JSON: read whole, then classified as an HTTP answer without a code
    expect(r).to.deep.include({ ok: false, family: "http", code: "200" });
  });
});
