/**
 * The `koogate` executable end to end: spawned as `node dist/bin/koogate.js`, against a started koogate
 * server and its database, asserting exit codes and what is printed.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { runKoogate } from "../support/process.js";
import { productYaml, startServer, TEST_KEY, TEST_KIT_KEY, type TestServer } from "../support/server.js";

const koogate = runKoogate;

function productsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "koogate-cli-products-"));
  for (const [f, yaml] of Object.entries(files)) writeFileSync(join(dir, f), yaml);
  return dir;
}

describe("the koogate command (spawned)", () => {
  const yaml = productYaml("cli-saas");
  const dir = productsDir({ "cli-saas.yaml": yaml });
  let s: TestServer;
  let env: Record<string, string>;
  before(async () => {
    s = await startServer({ products: { "cli-saas.yaml": yaml } });
    env = { KOOGATE_PRODUCTS: dir, TEST_BASIC_KEY: TEST_KEY, TEST_KIT_KEY, KOOGATE_DATABASE_URL: s.databaseUrl };
  });
  after(() => s.close());

  it("check prints the production URL, kind, adapter and which key variables are set, never a value", async () => {
    const r = await koogate(["check", "--url", "https://isv.example"], { ...env, TEST_KIT_KEY: "" });
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include("production URL  POST https://isv.example/produce/cli-saas");
    expect(r.stdout).to.include("kind            saas, protocol v2, adapter DemoSaasAdapter");
    expect(r.stdout).to.include("basic: TEST_BASIC_KEY set");
    expect(r.stdout).to.include("kit: TEST_KIT_KEY NOT SET (development key)");
    expect(r.stdout + r.stderr).to.not.include(TEST_KEY);
  });

  it("check exits 1 naming the file and the field of a broken definition", async () => {
    const bad = productsDir({ "bad.yaml": yaml.replace("DemoSaasAdapter", "NoSuchAdapter") });
    const r = await koogate(["check"], { ...env, KOOGATE_PRODUCTS: bad });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`koogate check: ${join(bad, "bad.yaml")} /adapter: unknown adapter "NoSuchAdapter"`);
  });

  it("check exits 1 in production when a key variable is unset", async () => {
    const r = await koogate(["check"], { ...env, NODE_ENV: "production", TEST_BASIC_KEY: "" });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include("key variable TEST_BASIC_KEY is not set");
  });

  it("sim lifecycle passes every step against the server and exits 0", async () => {
    const r = await koogate(["sim", "cli-saas", "lifecycle", "--url", s.url], env);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).to.equal(`koogate sim cli-saas lifecycle → ${s.url}/produce/cli-saas`);
    expect(lines.slice(1, -1).map((l) => / (PASS|FAIL)( |$)/.exec(l)?.[1])).to.deep.equal(Array(8).fill("PASS"));
    expect(lines.at(-1)).to.match(/^PASS {2}lifecycle: 8 of 8 steps passed in \d+ ms$/);
  });

  it("sim exits 1 when the key in the environment is not the server's", async () => {
    const r = await koogate(["sim", "cli-saas", "newInstance", "--url", s.url], { ...env, TEST_BASIC_KEY: "another-key" });
    expect(r.code).to.equal(1);
    expect(r.stdout).to.include("resultCode 000001, expected 000000 or 000100");
    expect(r.stdout).to.match(/\nFAIL {2}newInstance: 1 of 1 steps failed/);
  });

  it("sim --json prints the run as one JSON report", async () => {
    const r = await koogate(["sim", "cli-saas", "replay", "--url", s.url, "--json"], env);
    expect(r.code).to.equal(0);
    const report = JSON.parse(r.stdout) as { passed: boolean; steps: Array<{ resultCode: string }> };
    expect(report.passed).to.equal(true);
    expect(report.steps.map((x) => x.resultCode)).to.deep.equal(["000000", "000001"]);
  });

  it("sim exits 2 on an unknown scenario", async () => {
    const r = await koogate(["sim", "cli-saas", "no-such-scenario"], env);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include('unknown scenario "no-such-scenario"');
  });

  it("sim exits 2 for tenant-sync on a product that does not enable joint-operation sync, sending nothing", async () => {
    const r = await koogate(["sim", "cli-saas", "tenant-sync", "--url", "http://127.0.0.1:9"], env);
    expect(r.code).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.include("tenant-sync needs joint-operation sync; cli-saas does not enable it");
  });

  it("sim exits 2 for v1-lifecycle on a protocol v2 product", async () => {
    const r = await koogate(["sim", "cli-saas", "v1-lifecycle", "--url", "http://127.0.0.1:9"], env);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include("v1-lifecycle is for protocol v1 products; cli-saas speaks v2");
  });

  it("events reads the server's event log, filtered by product", async () => {
    const sim = await koogate(["sim", "cli-saas", "newInstance", "--url", s.url, "--json"], env);
    const instanceId = (JSON.parse(sim.stdout) as { steps: Array<{ note: string }> }).steps[0]!.note.replace("instanceId ", "");
    const r = await koogate(["events", "--product", "cli-saas", "--instance", instanceId], env);
    expect(r.code).to.equal(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z  cli-saas  newInstance +${instanceId}  processed  000000 +\\d+ ms$`));
  });

  it("events exits 1 when the database does not exist, without creating it", async () => {
    const missing = join(mkdtempSync(join(tmpdir(), "koogate-none-")), "nope", "koogate.sqlite");
    const r = await koogate(["events"], { ...env, KOOGATE_DATABASE_URL: `sqlite:${missing}` });
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include(`no database at sqlite:${missing}`);
  });
});

describe("the koogate command with API and image listings (spawned)", () => {
  const files = {
    "stats.yaml": ["id: stats", "name: Stats", "kind: api", "auth: apig-signature", "gatewayKeys:", "  - { key: CLI_AK, secret: CLI_SK }", "adapter: DemoTextStatsAdapter"].join("\n"),
    "img.yaml": [
      "id: img",
      "name: Image",
      "kind: image",
      "versions: [{ version: '2.0', regions: [ap-southeast-1] }]",
      "pricing: { mode: fixed, price: 9 }",
      "ports: [{ port: 8443, protocol: tcp }]",
      "login: { method: password, user: admin }",
    ].join("\n"),
  };
  const dir = productsDir(files);
  let s: TestServer;
  let env: Record<string, string>;
  before(async () => {
    env = { CLI_AK: "cli-ak", CLI_SK: "cli-sk-0123456789" };
    s = await startServer({ products: files, env });
    env = { ...env, KOOGATE_PRODUCTS: dir, KOOGATE_DATABASE_URL: s.databaseUrl };
  });
  after(() => s.close());

  it("check prints an image listing's facts and an API listing's backend URL, adapter none for the image", async () => {
    const r = await koogate(["check", "--url", "https://isv.example"], env);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include("backend URL     ANY https://isv.example/api/stats/…");
    expect(r.stdout).to.include("kind            image, pricing fixed 9, versions 2.0 (ap-southeast-1), ports 8443/tcp, login password as admin");
    expect(r.stdout).to.include("adapter none");
    expect(r.stdout + r.stderr).to.not.include("cli-sk-0123456789");
  });

  it("sim api-call passes against the server, and calls prints the calls it made, per buyer", async () => {
    const sim = await koogate(["sim", "stats", "api-call", "--url", s.url, "--path", "/stats"], env);
    expect(sim.code, sim.stdout + sim.stderr).to.equal(0);
    const r = await koogate(["calls", "--product", "stats"], env);
    expect(r.code).to.equal(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).to.have.length(5);
    expect(lines[0]).to.match(/  stats  sim-buyer-0001 +[0-9a-f-]{36}  POST    200  answered/);
    expect(lines[1]).to.match(/  stats  - +- +POST    401  refused .*replayed$/);
    expect(lines[2]).to.match(/  stats  - +- +POST    401  refused .*bad-signature$/);
  });
});
