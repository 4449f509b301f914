import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { expect } from "chai";

/**
 * The package as npm would ship it: `npm pack`, unpacked into a folder outside the repository as
 * node_modules/koogate, its dependencies linked from this checkout (so no download), then imported by
 * name from that folder.
 */
describe("the koogate package (npm pack)", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "koogate-pack-"));
    // dist/ is built by `npm test`; --ignore-scripts keeps pack from rebuilding it under the running suite
    const out = execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], { encoding: "utf8" });
    const { filename } = (JSON.parse(out) as Array<{ filename: string }>)[0]!;
    const target = join(dir, "node_modules", "koogate");
    mkdirSync(target, { recursive: true });
    execFileSync("tar", ["-xzf", join(dir, filename), "-C", target, "--strip-components=1"]);
    for (const dep of readdirSync("node_modules")) {
      if (dep === ".bin" || dep === "koogate" || dep.startsWith(".")) continue;
      symlinkSync(resolve("node_modules", dep), join(dir, "node_modules", dep));
    }
  });

  it("imports by name from another folder, with the public entry's functions and errors", () => {
    const script = `import("koogate").then((k) => console.log(JSON.stringify({
      createKoogate: typeof k.createKoogate, CallError: typeof k.CallError, kinds: k.KINDS.map((x) => x.name),
      activities: k.SAAS_ACTIVITIES.length, code: new k.CallError("000100").resultCode })))`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8" });
    expect(JSON.parse(out)).to.deep.equal({ createKoogate: "function", CallError: "function", kinds: ["saas", "license", "api", "image"], activities: 7, code: "000100" });
  });

  it("imports koogate/testing by name, with the tools a merchant's tests start a project with", () => {
    const script = `import("koogate/testing").then((t) => console.log(JSON.stringify([typeof t.startProject, typeof t.sendSigned, t.SCENARIOS.some((s) => s.name === "lifecycle")])))`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: dir, encoding: "utf8" });
    expect(JSON.parse(out)).to.deep.equal(["function", "function", true]);
  });

  it("ships its types and the project's own marketplace reference", () => {
    const files = readdirSync(join(dir, "node_modules", "koogate", "dist"));
    expect(files).to.include.members(["index.js", "index.d.ts"]);
    expect(readdirSync(join(dir, "node_modules", "koogate", "docs", "marketplace"))).to.include.members(["saas" + ".md", "vectors" + ".md"]);
  });
});
