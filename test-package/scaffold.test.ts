/**
 * The package as a merchant gets it (CI: `npm run test:package`, also run by .ci/run). `npm pack`, then
 * in an empty folder outside the repository: a real `npm install <tarball>` (from the registry; sqlite3
 * builds natively when no prebuilt binary fits), `koogate init`, the scaffold's build, `koogate check`,
 * `koogate serve` played by `koogate sim … lifecycle`, the scaffold's own test and `tsc --noEmit`.
 * Each step's time is printed, so CI logs show what the install costs.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";

interface Ran {
  status: number | null;
  out: string;
}

describe("a merchant project from the packed tarball (npm install, koogate init)", function () {
  const repo = resolve(".");
  const root = mkdtempSync(join(tmpdir(), "koogate-merchant-"));
  const app = join(root, "app");
  const bin = join(app, "node_modules", ".bin", "koogate");
  const env = { ...process.env, KOOGATE_LOG_FORMAT: "json", NODE_ENV: "development", KOOGATE_PRODUCTS: "", KOOGATE_DATABASE_URL: "", KOOGATE_CONFIG: "" };

  /** Runs a command in the merchant project, printing how long it took. */
  function run(what: string, cmd: string, args: string[]): Ran {
    const started = Date.now();
    const r = spawnSync(cmd, args, { cwd: app, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    console.log(`      [${what}: ${((Date.now() - started) / 1000).toFixed(1)} s]`);
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  }

  before(function () {
    mkdirSync(app);
    // dist/ is built by the pretest script; --ignore-scripts keeps pack from rebuilding it under the running suite
    const packed = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", root], { cwd: repo, encoding: "utf8" });
    const [{ filename }] = JSON.parse(packed) as [{ filename: string }];
    const installed = run("npm install <tarball>", "npm", ["install", "--no-audit", "--no-fund", join(root, filename)]);
    expect(installed.status, installed.out).to.equal(0);
  });

  it("scaffolds with koogate init, writing every file and the npm scripts", () => {
    const r = run("koogate init", bin, ["init"]);
    expect(r.status, r.out).to.equal(0);
    for (const f of ["koogate.config.ts", "products/notes-app.yaml", "adapters/notes-app.ts", "test/listing.test.ts", "tsconfig.json"]) expect(r.out).to.include(`created  ${f}`);
    const pkg = JSON.parse(readFileSync(join(app, "package.json"), "utf8")) as { type: string; scripts: Record<string, string> };
    expect(pkg.type).to.equal("module");
    expect(Object.keys(pkg.scripts)).to.include.members(["build", "start", "test"]);
  });

  it("keeps every existing file when init runs again", () => {
    const before = readFileSync(join(app, "adapters", "notes-app.ts"), "utf8");
    const r = run("koogate init again", bin, ["init", "--no-install"]);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.include("kept     adapters/notes-app.ts (exists)").and.not.include("created ");
    expect(readFileSync(join(app, "adapters", "notes-app.ts"), "utf8")).to.equal(before);
  });

  it("builds the scaffold with its own npm run build", () => {
    const r = run("npm run build", "npm", ["run", "build"]);
    expect(r.status, r.out).to.equal(0);
  });

  it("passes koogate check with the project's adapter module", () => {
    const r = run("koogate check", bin, ["check"]);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.include("adapter NotesAppAdapter").and.include("OK  1 product in products");
  });

  it("serves the listing with koogate serve, and koogate sim lifecycle passes against it", async () => {
    const server = spawn(bin, ["serve"], { cwd: app, env: { ...env, PORT: "0" }, stdio: ["ignore", "ignore", "pipe"] });
    const exited = new Promise<number | null>((r) => server.once("exit", (code) => r(code)));
    try {
      const port = await new Promise<number>((ok, fail) => {
        let lines = "";
        server.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
          lines += chunk;
          const m = /"msg":"koogate listening".*?"port":(\d+)/.exec(lines);
          if (m) ok(Number(m[1]));
        });
        void exited.then((code) => fail(new Error(`koogate serve exited (${code}):\n${lines}`)));
      });
      const r = run("koogate sim notes-app lifecycle", bin, ["sim", "notes-app", "lifecycle", "--url", `http://127.0.0.1:${port}`]);
      expect(r.status, r.out).to.equal(0);
      expect(r.out).to.include("PASS  lifecycle: 8 of 8 steps passed");
    } finally {
      server.kill("SIGTERM");
    }
    expect(await exited).to.equal(0);
  });

  it("passes the scaffold's own test (npm test: koogate/testing and the simulator)", () => {
    const r = run("npm test", "npm", ["test"]);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/# pass 2\b/).and.match(/# fail 0\b/);
  });

  it("type-checks with tsc --noEmit against the shipped declarations", () => {
    const r = run("tsc --noEmit", join(app, "node_modules", ".bin", "tsc"), ["--noEmit"]);
    expect(r.status, r.out).to.equal(0);
  });

  it("lists only what runs under npm ls --omit=dev: no TypeScript compiler among koogate's dependencies", () => {
    const r = run("npm ls --omit=dev", "npm", ["ls", "--omit=dev", "--all", "--parseable"]);
    expect(r.status, r.out).to.equal(0);
    const names = r.out.split("\n").filter(Boolean).map((p) => p.replace(/^.*node_modules\//, ""));
    expect(names).to.include.members(["koogate", "knex", "koa", "pg"]);
    expect(names).not.to.include.members(["typescript"]);
    expect(names.filter((n) => n === "mocha" || n === "chai" || n.startsWith("@types/"))).to.deep.equal([]);
  });
});
