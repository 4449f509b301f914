/**
 * The Grafana dashboard and the Prometheus alert rules shipped in deploy/: importable as they are, and
 * every metric they name is one that a running koogate's /metrics really exports.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { newInstanceBody } from "../support/orders.js";
import { startServer } from "../support/server.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, "utf8");
const DASHBOARD = "deploy/grafana/koogate.json";
const RULES = "deploy/prometheus/koogate-rules.yaml";
const METRICS_TOKEN = "metrics-token-0123456789abcdef";

interface Target {
  expr: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  title: string;
  datasource: { type: string; uid: string };
  targets: Target[];
}
interface Dashboard {
  __inputs: Array<{ name: string; type: string; pluginId: string }>;
  templating: { list: Array<{ name: string; type: string; query: unknown; definition?: string }> };
  panels: Panel[];
}
interface Rule {
  alert: string;
  expr: string;
  labels: { severity: string };
  annotations: { summary: string };
}

const dashboard = () => JSON.parse(read(DASHBOARD)) as Dashboard;
const rules = () => (parse(read(RULES)) as { groups: Array<{ name: string; rules: Rule[] }> }).groups.flatMap((g) => g.rules);

/** Every metric name in a PromQL expression: koogate's own and Node's process metrics. */
const metricsIn = (expr: string) => [...expr.matchAll(/\b(?:koogate|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0]);

/** The names a scrape exports: each `# TYPE`, with a histogram's series. */
function exported(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(m[1]!);
    if (m[2] === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(m[1]! + s);
  }
  return names;
}

describe("the Grafana dashboard and Prometheus rules in deploy/", () => {
  it("is a dashboard Grafana imports with a Prometheus data-source input, every panel and query on that data source", () => {
    const d = dashboard();
    expect(d.__inputs).to.deep.include({ name: "DS_PROMETHEUS", label: "Prometheus", description: "the Prometheus that scrapes koogate's /metrics", type: "datasource", pluginId: "prometheus", pluginName: "Prometheus" });
    expect(d.templating.list.find((v) => v.name === "DS_PROMETHEUS")).to.include({ type: "datasource", query: "prometheus" });
    expect(d.panels.length).to.be.above(5);
    for (const p of d.panels) {
      expect(p.datasource, p.title).to.deep.equal({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
      for (const t of p.targets) expect(t.datasource, p.title).to.deep.equal({ type: "prometheus", uid: "${DS_PROMETHEUS}" });
    }
  });

  it("has alert rules for the delisting risk, parked jobs, provisioning overdue, usage not acknowledged and readiness, each with a severity and a summary", () => {
    const all = rules();
    expect(all.map((r) => r.alert)).to.include.members(["KoogateDelistingRisk", "KoogateParkedJobs", "KoogateProvisioningOverdue", "KoogateUsageNotAcknowledged", "KoogateNotReady"]);
    for (const r of all) {
      expect(r.labels.severity, r.alert).to.be.oneOf(["critical", "warning"]);
      expect(r.annotations.summary, r.alert).to.be.a("string").and.not.equal("");
    }
    expect(all.find((r) => r.alert === "KoogateDelistingRisk")!.expr).to.contain("by (product)");
  });

  it("names only metrics that a running koogate exports on /metrics", async function () {
    this.timeout(20_000);
    // the bearer token is sent whether or not this koogate asks for one
    const s = await startServer({ env: { KOOGATE_METRICS_TOKEN: METRICS_TOKEN } });
    try {
      await s.send(newInstanceBody());
      const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      expect(res.status).to.equal(200);
      const names = exported(await res.text());
      const d = dashboard();
      const used = [
        ...d.panels.flatMap((p) => p.targets.map((t) => t.expr)),
        ...d.templating.list.map((v) => v.definition ?? ""),
        ...rules().map((r) => r.expr),
      ].flatMap(metricsIn);
      expect(new Set(used).size).to.be.above(8);
      expect([...new Set(used)].filter((n) => !names.has(n)), "metrics named but not exported").to.deep.equal([]);
    } finally {
      await s.close();
    }
  });

  it("ships both files with the package", () => {
    const files = (JSON.parse(read("package.json")) as { files: string[] }).files;
    // the whole deploy/ folder, or its two folders by name
    const shipped = (path: string) => files.some((f) => path === f || path.startsWith(`${f}/`));
    expect(shipped("deploy/grafana/koogate.json"), "the dashboard").to.equal(true);
    expect(shipped("deploy/prometheus/koogate-rules.yaml"), "the rules").to.equal(true);
  });
});
