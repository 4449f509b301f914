/**
 * Issue 20, "Deployment files": what CI can check without a container runtime or a cluster. The compose
 * file and the Kubernetes manifests parse and set only variables koogate reads (core/settings/table.ts
 * SETTINGS, or a key variable a shipped definition names); the image builds and runs with the README's
 * commands; every reverse-proxy example proxies every path koogate serves, and /metrics only privately.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { parse, parseAllDocuments } from "yaml";
import { SETTINGS } from "../../core/settings/index.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Every path prefix koogate serves: the kinds' endpoints, the probes, the operator page, the metrics. */
const SERVED = ["/produce/", "/licenses/", "/api/", "/healthz", "/readyz", "/ops", "/metrics"];

/** The key variables the shipped product definitions name (keys:, gatewayKeys:, privateKey.env). */
function productVariables(): Set<string> {
  const names = new Set<string>();
  const collect = (v: unknown): void => {
    if (typeof v === "string" && /^[A-Z][A-Z0-9_]*$/.test(v)) names.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === "object") Object.values(v).forEach(collect);
  };
  for (const f of readdirSync(join(ROOT, "products")).filter((f) => f.endsWith(".yaml"))) {
    const def = parse(read(`products/${f}`)) as Record<string, unknown>;
    collect(def.keys);
    collect(def.gatewayKeys);
    collect((def.jointOperation as { privateKey?: unknown } | undefined)?.privateKey);
  }
  return names;
}

const KNOWN = new Set([...SETTINGS, ...productVariables()]);
const unknown = (names: Iterable<string>) => [...names].filter((n) => !KNOWN.has(n));

interface Container {
  command?: string[];
  env?: Array<{ name: string; value?: string }>;
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  stringData?: Record<string, string>;
  spec?: { template?: { spec: { containers: Container[] } } };
}

describe("the deployment files", () => {
  describe("deploy/compose.yaml", () => {
    const compose = parse(read("deploy/compose.yaml"), { merge: true }) as { services: Record<string, { environment?: Record<string, string>; command?: string[]; depends_on?: object; build?: object }> };
    const koogates = Object.entries(compose.services).filter(([, s]) => s.build);

    it("runs PostgreSQL, a migration and koogate, which waits for the migration to have succeeded", () => {
      expect(Object.keys(compose.services).sort()).to.deep.equal(["koogate", "migrate", "postgres"]);
      expect(compose.services.migrate!.command).to.deep.equal(["node", "dist/bin/koogate.js", "migrate"]);
      expect(compose.services.koogate!.depends_on).to.deep.equal({ migrate: { condition: "service_completed_successfully" } });
      expect(compose.services.koogate!.environment!.KOOGATE_DATABASE_URL).to.match(/^postgres:\/\/.*@postgres:5432\//);
      expect(compose.services.koogate!.environment!.KOOGATE_WORKERS).to.equal("2");
    });

    it("sets only variables koogate reads, in its services and in the example env file", () => {
      for (const [name, s] of koogates) expect(unknown(Object.keys(s.environment ?? {})), name).to.deep.equal([]);
      const example = read("deploy/koogate.env.example").split("\n").filter((l) => /^[A-Z]/.test(l)).map((l) => l.split("=")[0]!);
      expect(example.length).to.be.above(5);
      expect(unknown(example)).to.deep.equal([]);
    });
  });

  describe("deploy/kubernetes/*.yaml", () => {
    const manifests = readdirSync(join(ROOT, "deploy/kubernetes"))
      .filter((f) => f.endsWith(".yaml"))
      .flatMap((f) => parseAllDocuments(read(`deploy/kubernetes/${f}`)).map((d) => {
        expect(d.errors, f).to.deep.equal([]);
        return d.toJS() as Manifest;
      }));
    const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
    const containers = manifests.flatMap((m) => m.spec?.template?.spec.containers ?? []);

    it("hold a Deployment probed on /readyz and /healthz, a Service, a Secret and a migration Job", () => {
      expect(manifests.map((m) => m.kind).sort()).to.deep.equal(["Deployment", "Job", "Secret", "Service"]);
      const [server] = byKind("Deployment")[0]!.spec!.template!.spec.containers;
      expect(server!.readinessProbe?.httpGet?.path).to.equal("/readyz");
      expect(server!.livenessProbe?.httpGet?.path).to.equal("/healthz");
      expect(byKind("Job")[0]!.spec!.template!.spec.containers[0]!.command).to.deep.equal(["node", "dist/bin/koogate.js", "migrate"]);
    });

    it("set only variables koogate reads, in the containers and in the Secret", () => {
      expect(unknown(containers.flatMap((c) => (c.env ?? []).map((e) => e.name)))).to.deep.equal([]);
      expect(unknown(Object.keys(byKind("Secret")[0]!.stringData ?? {}))).to.deep.equal([]);
    });
  });

  describe("deploy/docker/Dockerfile", () => {
    const dockerfile = read("deploy/docker/Dockerfile");
    const instructions = dockerfile.replace(/\\\n/g, " ").split("\n").filter((l) => /^[A-Z]+ /.test(l));
    const runs = instructions.filter((l) => l.startsWith("RUN ")).join("\n");
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;

    it("builds with npm ci and the build npm start runs first, and starts what npm start starts", () => {
      expect(read("README.md")).to.include("npm install && npm start");
      expect(scripts.prestart).to.equal("npm run build");
      expect(runs).to.match(/RUN npm ci\n/);
      expect(runs).to.include(`RUN ${scripts.prestart}`);
      const cmd = JSON.parse(instructions.find((l) => l.startsWith("CMD "))!.slice(4)) as string[];
      expect(`exec ${cmd.join(" ")}`).to.equal(scripts.start);
    });

    it("is multi-stage on Node 20 or newer, runs as a user without rights, and checks /healthz", () => {
      const froms = instructions.filter((l) => l.startsWith("FROM "));
      expect(froms.length).to.be.at.least(2);
      for (const f of froms) expect(Number(/node:(\d+)/.exec(f)?.[1])).to.be.at.least(20);
      expect(instructions.filter((l) => l.startsWith("USER ")).at(-1)).to.equal("USER node");
      expect(instructions.find((l) => l.startsWith("HEALTHCHECK "))).to.include("/healthz");
    });
  });

  describe("the reverse-proxy examples", () => {
    /** nginx `location` blocks of a text, as [path, body] pairs. */
    const locations = (conf: string) => [...conf.matchAll(/location\s+(=\s+)?(\S+)\s*\{([^}]*)\}/g)].map((m) => [m[2]!, m[3]!] as const);

    for (const [file, conf] of [
      ["deploy/nginx/koogate.conf", read("deploy/nginx/koogate.conf")],
      ...["docs/security.md", "docs/guide.md"].flatMap((f) => [...read(f).matchAll(/```nginx\n([\s\S]*?)```/g)].map((m, i) => [`${f} nginx example ${i + 1}`, m[1]!] as const)),
    ] as const) {
      it(`${file} proxies every path koogate serves, and /metrics to private networks only`, () => {
        const locs = locations(conf);
        for (const path of SERVED) expect(locs.find(([p, body]) => p === path && body.includes("proxy_pass")), `location ${path}`).to.not.equal(undefined);
        const metrics = locs.find(([p]) => p === "/metrics")![1];
        expect(metrics).to.match(/deny all;/);
        expect(metrics).to.not.match(/allow all;/);
      });
    }

    it("deploy/caddy/Caddyfile proxies every path koogate serves, and /metrics to private networks only", () => {
      const caddy = read("deploy/caddy/Caddyfile");
      for (const path of SERVED.filter((p) => p !== "/metrics")) expect(caddy, path).to.match(new RegExp(`${path.replace(/\/$/, "")}(/\\*)?[\\s}]`));
      expect(caddy).to.match(/@metrics_private \{\s*path \/metrics\s*remote_ip [^\n]*10\.0\.0\.0\/8/);
      expect(caddy).to.match(/handle \/metrics \{\s*respond 403/);
    });
  });

  it("deploy/systemd/koogate.service restarts a failed koogate and stops it with SIGTERM", () => {
    const unit = read("deploy/systemd/koogate.service");
    expect(unit).to.match(/^Restart=on-failure$/m);
    expect(unit).to.match(/^ExecStart=\/usr\/bin\/node dist\/bin\/koogate\.js serve$/m);
    expect(unit).to.match(/^KillSignal=SIGTERM$/m);
  });
});
