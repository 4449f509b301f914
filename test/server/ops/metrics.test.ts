import { expect } from "chai";
import type { AddressInfo } from "node:net";
import { MarketplaceClient } from "../../../core/marketplace/client.js";
import { startLocalMarketplace } from "../../../sim/marketplace/server.js";
import { DEV_MARKETPLACE_AK, DEV_MARKETPLACE_SK } from "../../../sim/marketplace/dev-keys.js";
import { newInstanceBody } from "../../support/orders.js";
import { plantUsage } from "../../support/planted.js";
import { parsePrometheus, sampleValue } from "../../support/prometheus.js";
import { recordingYaml, RecordingAdapter } from "../../support/recording-adapter.js";
import { startServer, type TestServer } from "../../support/server.js";
import { eventually } from "../../support/wait.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";

const withToken = { env: { KOOGATE_METRICS_TOKEN: METRICS_TOKEN } };
const bearer = { authorization: `Bearer ${METRICS_TOKEN}` };

/** Scrapes `url`/metrics (with the test token unless `headers` are given). */
async function scrapeUrl(url: string, headers: Record<string, string> = bearer) {
  const res = await fetch(`${url}/metrics`, { headers });
  return { status: res.status, samples: res.status === 200 ? parsePrometheus(await res.text()) : [] };
}

const scrape = (s: TestServer, headers?: Record<string, string>) => scrapeUrl(s.url, headers);

describe("/metrics on a running server", () => {
  let s: TestServer;
  afterEach(async () => s?.close());

  // issue 24, finding 13: the metrics (Node version, product ids, heap) were open to anyone by default
  it("answers 404 without KOOGATE_METRICS_TOKEN, so that nothing is exposed unless asked", async () => {
    s = await startServer();
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).to.equal(404);
    expect(await res.text()).not.to.contain("koogate_");
  });

  it("reads the tables behind its gauges at most once however fast it is scraped", async () => {
    s = await startServer(withToken);
    await scrape(s);
    // the gauges' statements are the counts (the outbox's polls and the readiness probe count nothing)
    const counts: string[] = [];
    const count = (q: { sql: string }) => /count\(/i.test(q.sql) && counts.push(q.sql);
    s.koogate.db.on("query", count);
    try {
      for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 20 }, () => scrape(s)));
    } finally {
      s.koogate.db.off("query", count);
    }
    expect(counts, "statements run by 200 scrapes").to.have.length.at.most(2);
  });

  it("counts a served newInstance under its product, activity, verdict and result code, with its latency", async () => {
    s = await startServer(withToken);
    expect((await s.send(newInstanceBody())).json.resultCode).to.equal("000000");
    const { samples } = await scrape(s);
    expect(sampleValue(samples, "koogate_calls_total", { product: "test-saas", activity: "newInstance", verdict: "processed", result_code: "000000" })).to.equal(1);
    expect(sampleValue(samples, "koogate_call_duration_seconds_count", { product: "test-saas", activity: "newInstance" })).to.equal(1);
  });

  it("counts a call with a wrong signature as a refusal with its reason", async () => {
    s = await startServer(withToken);
    await s.send(newInstanceBody(), { key: "not-the-key-0123456789" });
    const { samples } = await scrape(s);
    expect(sampleValue(samples, "koogate_refusals_total", { product: "test-saas", reason: "bad-signature" })).to.equal(1);
  });

  it("reports outbox jobs parked as failed by type, read from the jobs table", async () => {
    s = await startServer({ ...withToken, products: { "r.yaml": recordingYaml("test-saas", { failFirst: 5, delayMs: 50 }, "provisioning: { budgetMs: 0, maxAttempts: 1 }") }, adapters: [RecordingAdapter] });
    await s.send(newInstanceBody());
    await eventually(async () => (await s.koogate.db("koogate_jobs").where({ state: "failed" })).length === 1, "the parked job");
    const { samples } = await scrape(s);
    expect(sampleValue(samples, "koogate_outbox_jobs", { type: "newInstance", state: "failed" })).to.equal(1);
    expect(sampleValue(samples, "koogate_outbox_oldest_pending_seconds")).to.equal(0);
  });

  it("reports the usage records still pending, read from the usage table", async () => {
    s = await startServer(withToken);
    const now = Date.now();
    await plantUsage(s.koogate.db, { instanceId: "i-1", beginAt: now - 3 * 3_600_000, state: "pending", createdAt: now });
    await plantUsage(s.koogate.db, { instanceId: "i-2", beginAt: now - 3 * 3_600_000, state: "pending", createdAt: now });
    await plantUsage(s.koogate.db, { instanceId: "i-3", beginAt: now - 3 * 3_600_000, state: "pushed", createdAt: now });
    await plantUsage(s.koogate.db, { instanceId: "i-4", beginAt: now - 3 * 3_600_000, state: "rejected", createdAt: now });
    expect(sampleValue((await scrape(s)).samples, "koogate_usage_records_pending")).to.equal(2);
    await s.koogate.db("koogate_usage").where({ instance_id: "i-1" }).update({ state: "pushed" });
    await s.koogate.ops.metrics.refreshFigures();
    expect(sampleValue((await scrape(s)).samples, "koogate_usage_records_pending")).to.equal(1);
  });

  it("includes Node's process metrics", async () => {
    s = await startServer(withToken);
    const { samples } = await scrape(s);
    expect(sampleValue(samples, "process_resident_memory_bytes")).to.be.greaterThan(0);
  });

  it("refuses a scrape without the bearer token when KOOGATE_METRICS_TOKEN is set", async () => {
    s = await startServer(withToken);
    expect((await scrape(s, {})).status).to.equal(401);
    expect((await scrape(s, { authorization: "Bearer wrong-token-0123456789abcdef" })).status).to.equal(401);
  });

  it("answers a scrape with the bearer token of KOOGATE_METRICS_TOKEN", async () => {
    s = await startServer(withToken);
    const r = await scrape(s);
    expect(r.status).to.equal(200);
    expect(sampleValue(r.samples, "process_resident_memory_bytes")).to.be.greaterThan(0);
  });

  it("labels every sample with the process named by KOOGATE_PROCESS_NAME", async () => {
    s = await startServer({ env: { ...withToken.env, KOOGATE_PROCESS_NAME: "worker-7" } });
    const { samples } = await scrape(s);
    expect(samples.filter((x) => x.labels.process !== "worker-7").map((x) => x.name)).to.deep.equal([]);
  });
});

describe("/metrics on the private listener of KOOGATE_METRICS_LISTEN", () => {
  let s: TestServer;
  let url: string;
  before(async () => {
    s = await startServer({ env: { KOOGATE_METRICS_LISTEN: "127.0.0.1:0" } });
    const a = s.koogate.metricsServer!.address() as AddressInfo;
    url = `http://127.0.0.1:${a.port}`;
  });
  after(async () => s?.close());

  it("serves the metrics there without a token, while the main port still answers 404", async () => {
    const r = await scrapeUrl(url, {});
    expect(r.status).to.equal(200);
    expect(sampleValue(r.samples, "process_resident_memory_bytes")).to.be.greaterThan(0);
    expect((await scrape(s, {})).status).to.equal(404);
  });

  it("serves nothing else there", async () => {
    const res = await fetch(`${url}/produce/test-saas`, { method: "POST", body: "{}" });
    expect(res.status).to.equal(404);
    expect((await fetch(`${url}/readyz`)).status).to.equal(404);
  });
});

describe("marketplace calls in the metrics", () => {
  it("counts a query order through the client's onCall hook by API and result family", async () => {
    const mkt = await startLocalMarketplace({ port: 0, ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK });
    const s = await startServer(withToken);
    try {
      const metrics = s.koogate.ops.metrics;
      const client = new MarketplaceClient({ baseUrl: mkt.url, ak: DEV_MARKETPLACE_AK, sk: DEV_MARKETPLACE_SK, retries: 0, onCall: (api, family) => metrics.marketplaceCall(api, family) });
      await client.queryOrder({ orderId: "MOCKPERIODYEARNEW" });
      await client.queryOrder({ orderId: "NO-SUCH-ORDER" });
      const { samples } = await scrape(s);
      expect(sampleValue(samples, "koogate_marketplace_calls_total", { api: "order.query", family: "success" })).to.equal(1);
      expect(sampleValue(samples, "koogate_marketplace_calls_total", { api: "order.query", family: "MKT" })).to.equal(1);
    } finally {
      await s.close();
      await mkt.close();
    }
  });
});
