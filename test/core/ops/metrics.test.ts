import { expect } from "chai";
import { hostname } from "node:os";
import { FIGURES_MAX_AGE_MS, MAX_LABEL_LENGTH, Metrics, type MetricsOptions, type OutboxFigures } from "../../../core/ops/metrics.js";
import { parsePrometheus, type Sample } from "../../support/prometheus.js";

/** The samples of `text` without the `process` label every one of them carries (its own test is below). */
function parse(text: string): Sample[] {
  return parsePrometheus(text).map(({ labels: { process, ...labels }, ...s }) => ({ ...s, labels }));
}

async function samples(metrics: Metrics, name: string): Promise<Sample[]> {
  return parse(await metrics.text()).filter((s) => s.name === name);
}

function newMetrics(opts: Partial<MetricsOptions> = {}) {
  return new Metrics({ products: ["demo-saas"], reasons: ["stale", "bad-signature"], ...opts });
}

const call = { product: "demo-saas", activity: "newInstance", verdict: "processed", resultCode: "000000", seconds: 0.3 };

describe("Metrics", () => {
  it("exposes every koogate metric under a name starting koogate_", async () => {
    const names = (await newMetrics().text()).match(/^# TYPE koogate_\w+/gm)!.map((l) => l.slice(7)).sort();
    expect(names).to.deep.equal([
      "koogate_call_duration_seconds",
      "koogate_calls_total",
      "koogate_marketplace_calls_total",
      "koogate_metrics_source_errors_total",
      "koogate_outbox_jobs",
      "koogate_outbox_oldest_pending_seconds",
      "koogate_refusals_total",
      "koogate_usage_records_pending",
    ]);
  });

  it("exposes Node's process metrics beside them", async () => {
    const names = new Set(parse(await newMetrics().text()).map((s) => s.name));
    for (const n of ["process_cpu_user_seconds_total", "process_start_time_seconds", "nodejs_heap_size_used_bytes", "nodejs_eventloop_lag_seconds"]) {
      expect(names, n).to.include(n);
    }
  });

  // issue 19: the label values come from the registry, so no kind's calls are lumped together as "other"
  it("labels every activity of every kind by its name: licence calls and order notifications too", async () => {
    const m = newMetrics();
    for (const activity of ["newInstance", "tenantSync", "getLicenseAsync", "refreshLicenseCode", "getLicense", "orderNotify"]) m.observeCall({ ...call, activity, resultCode: "000900" });
    m.observeCall({ ...call, activity: "noSuchActivity" });
    const labels = (await samples(m, "koogate_calls_total")).map((s) => s.labels.activity);
    expect(labels).to.have.members(["newInstance", "tenantSync", "getLicenseAsync", "refreshLicenseCode", "getLicense", "orderNotify", "other"]);
    expect((await samples(m, "koogate_calls_total")).filter((s) => s.labels.result_code === "000900")).to.have.length(6);
  });

  it("labels the API kind's refusals of a request target by their reason, beside the signature problems", async () => {
    const m = new Metrics({ products: ["agent"] });
    for (const reason of ["bad-encoding", "dot-segment", "stale", "replayed", "oversize", "no-such-reason"]) m.refused("agent", reason);
    expect((await samples(m, "koogate_refusals_total")).map((s) => s.labels.reason)).to.have.members(["bad-encoding", "dot-segment", "stale", "replayed", "oversize", "other"]);
  });

  it("keeps the figures of two instances apart", async () => {
    const a = newMetrics();
    const b = newMetrics();
    a.observeCall(call);
    expect(await samples(a, "koogate_calls_total")).to.have.length(1);
    expect(await samples(b, "koogate_calls_total")).to.deep.equal([]);
  });

  it("labels every sample, Node's too, with the process it comes from", async () => {
    const m = newMetrics({ processName: "host-a-4242" });
    m.observeCall(call);
    const all = parsePrometheus(await m.text());
    expect(all.length).to.be.greaterThan(20);
    expect(all.filter((s) => s.labels.process !== "host-a-4242").map((s) => s.name)).to.deep.equal([]);
  });

  it("names the process by host and process id unless told", async () => {
    const [first] = parsePrometheus(await newMetrics().text());
    expect(first!.labels.process).to.equal(`${hostname()}-${process.pid}`);
  });

  it("says its exposition is Prometheus' text format", () => {
    expect(newMetrics().contentType).to.match(/^text\/plain; version=0\.0\.4/);
  });

  describe("observeCall", () => {
    it("counts a call by product, activity, verdict and result code", async () => {
      const m = newMetrics();
      m.observeCall(call);
      m.observeCall(call);
      m.observeCall({ ...call, verdict: "resent" });
      expect(await samples(m, "koogate_calls_total")).to.deep.equal([
        { name: "koogate_calls_total", labels: { product: "demo-saas", activity: "newInstance", verdict: "processed", result_code: "000000" }, value: 2 },
        { name: "koogate_calls_total", labels: { product: "demo-saas", activity: "newInstance", verdict: "resent", result_code: "000000" }, value: 1 },
      ]);
    });

    it("puts its duration in the first bucket at or above it", async () => {
      const m = newMetrics();
      m.observeCall(call);
      const buckets = (await samples(m, "koogate_call_duration_seconds_bucket")).map((s) => [s.labels.le, s.value]);
      expect(buckets).to.deep.include.members([["0.25", 0], ["0.5", 1], ["4.5", 1], ["5", 1], ["+Inf", 1]]);
      expect(buckets.map(([le]) => le)).to.deep.equal(["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "4.5", "5", "+Inf"]);
      expect((await samples(m, "koogate_call_duration_seconds_sum"))[0]!.value).to.equal(0.3);
    });

    it("counts an unknown product, activity, verdict or result code as other", async () => {
      const m = newMetrics();
      m.observeCall({ product: "nope", activity: "dropTables", verdict: "maybe", resultCode: "999999", seconds: 0.01 });
      expect((await samples(m, "koogate_calls_total"))[0]!.labels).to.deep.equal({ product: "other", activity: "other", verdict: "other", result_code: "other" });
    });

    it("keeps one series however many different names a hostile caller sends", async () => {
      const m = newMetrics();
      for (let i = 0; i < 5000; i++) {
        m.observeCall({ ...call, product: `p${i}`, activity: `a${i}`.padEnd(10_000, "x") });
      }
      const series = await samples(m, "koogate_calls_total");
      expect(series).to.have.length(1);
      expect(series[0]!.value).to.equal(5000);
      expect(await samples(m, "koogate_call_duration_seconds_count")).to.have.length(1);
    });

    it("counts the 1.0 activities and the joint-operation syncs by name by default", async () => {
      const m = newMetrics();
      m.observeCall({ ...call, activity: "expireInstance" });
      m.observeCall({ ...call, activity: "tenantSync" });
      expect((await samples(m, "koogate_calls_total")).map((s) => s.labels.activity)).to.deep.equal(["expireInstance", "tenantSync"]);
    });
  });

  describe("refused", () => {
    it("counts a refusal by product and reason, and an unlisted reason as other", async () => {
      const m = newMetrics();
      m.refused("demo-saas", "stale");
      m.refused("demo-saas", "made-up");
      expect((await samples(m, "koogate_refusals_total")).map((s) => [s.labels.product, s.labels.reason, s.value])).to.deep.equal([
        ["demo-saas", "stale", 1],
        ["demo-saas", "other", 1],
      ]);
    });
  });

  describe("marketplaceCall", () => {
    it("counts a call by api and family, cutting an over-long name", async () => {
      const m = newMetrics();
      m.marketplaceCall("usage".padEnd(500, "!"), "saas");
      const [s] = await samples(m, "koogate_marketplace_calls_total");
      expect(s!.labels.api).to.have.length(MAX_LABEL_LENGTH);
      expect(s!.labels.family).to.equal("saas");
      expect(s!.value).to.equal(1);
    });
  });

  describe("outbox gauges", () => {
    it("reads the outbox once per scrape and sets both gauges from it", async () => {
      const m = newMetrics();
      let reads = 0;
      m.setOutboxSource(() => {
        reads++;
        return { jobs: [{ type: "newInstance", state: "pending", count: 3 }, { type: "newInstance", state: "failed", count: 1 }], oldestPendingSeconds: 42 };
      });
      const text = parse(await m.text());
      expect(reads).to.equal(1);
      expect(text.filter((s) => s.name === "koogate_outbox_jobs").map((s) => [s.labels.type, s.labels.state, s.value])).to.deep.equal([
        ["newInstance", "pending", 3],
        ["newInstance", "failed", 1],
      ]);
      expect(text.filter((s) => s.name === "koogate_outbox_oldest_pending_seconds").map((s) => s.value)).to.deep.equal([42]);
    });

    it("drops a state that has no job any more at the next scrape", async () => {
      const m = newMetrics();
      let figures: OutboxFigures = { jobs: [{ type: "newInstance", state: "pending", count: 1 }], oldestPendingSeconds: 5 };
      m.setOutboxSource(async () => figures);
      await m.text();
      figures = { jobs: [{ type: "newInstance", state: "done", count: 1 }], oldestPendingSeconds: 0 };
      await m.refreshFigures();
      expect((await samples(m, "koogate_outbox_jobs")).map((s) => s.labels.state)).to.deep.equal(["done"]);
    });

    it("has no sample before a source is set", async () => {
      const m = newMetrics();
      expect(await samples(m, "koogate_outbox_jobs")).to.deep.equal([]);
      expect(await samples(m, "koogate_outbox_oldest_pending_seconds")).to.deep.equal([]);
      expect(await samples(m, "koogate_usage_records_pending")).to.deep.equal([]);
    });

    it("still answers a scrape when the source fails, without the outbox samples, counting the failure", async () => {
      const m = newMetrics();
      m.setOutboxSource(() => Promise.reject(new Error("database is down")));
      m.setUsagePendingSource(() => 7);
      const text = parse(await m.text());
      expect(text.filter((s) => s.name.startsWith("koogate_outbox_"))).to.deep.equal([]);
      expect(text.find((s) => s.name === "koogate_usage_records_pending")?.value).to.equal(7);
      expect(text.find((s) => s.name === "koogate_metrics_source_errors_total")).to.deep.equal({
        name: "koogate_metrics_source_errors_total",
        labels: { source: "outbox" },
        value: 1,
      });
    });
  });

  describe("usage gauge", () => {
    it("shows the pending usage records as last read", async () => {
      const m = newMetrics();
      let n = 2;
      m.setUsagePendingSource(async () => n);
      expect((await samples(m, "koogate_usage_records_pending"))[0]!.value).to.equal(2);
      n = 0;
      await m.refreshFigures();
      expect((await samples(m, "koogate_usage_records_pending"))[0]!.value).to.equal(0);
    });
  });

  // issue 24, finding 13: a flood of 700 scrapes a second cost two statements each
  describe("figures read from tables", () => {
    it("are read once however many scrapes come within their maximum age", async () => {
      let t = 0;
      const m = newMetrics({ now: () => t });
      let reads = 0;
      m.setOutboxSource(() => (reads++, { jobs: [], oldestPendingSeconds: 0 }));
      m.setUsagePendingSource(() => (reads++, 3));
      await Promise.all(Array.from({ length: 100 }, () => m.text()));
      t = FIGURES_MAX_AGE_MS - 1;
      for (let i = 0; i < 100; i++) await m.text();
      expect(reads).to.equal(2);
    });

    it("are shown as last read once older, and read again in the background for the next scrape", async () => {
      let t = 0;
      const m = newMetrics({ now: () => t });
      let n = 2;
      let reads = 0;
      m.setUsagePendingSource(() => (reads++, n));
      await m.text();
      n = 5;
      t = FIGURES_MAX_AGE_MS;
      expect((await samples(m, "koogate_usage_records_pending"))[0]!.value, "the last value read").to.equal(2);
      await new Promise((r) => setImmediate(r));
      expect((await samples(m, "koogate_usage_records_pending"))[0]!.value, "the one read meanwhile").to.equal(5);
      expect(reads).to.equal(2);
    });
  });
});
