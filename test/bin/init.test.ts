/**
 * `koogate init` in-process (without the npm install of the build tools): what it writes, that it never
 * overwrites a file, and that package.json only gains what it lacks. The CI test in test-package/ builds
 * and runs the scaffold for real.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import type { Io } from "../../core/cli/args.js";
import { init } from "../../bin/commands/init.js";
import { loadProject } from "../../core/project/index.js";

function io(): Io & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), env: {} };
}

describe("koogate init", () => {
  it("scaffolds a project whose typed koogate.config.ts names the adapter class and its products folder, compiled by its build", async () => {
    const dir = mkdtempSync(join(tmpdir(), "koogate-init-"));
    expect(await init(["--no-install"], io(), dir)).to.equal(0);
    const config = readFileSync(join(dir, "koogate.config.ts"), "utf8");
    expect(config).to.include('import { defineConfig } from "koogate";').and.include("export default defineConfig({").and.include('products: "products"').and.include("adapters: [NotesAppAdapter]");
    expect((JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8")) as { include: string[] }).include).to.include("koogate.config.ts");
    expect(readFileSync(join(dir, "products", "notes-app.yaml"), "utf8")).to.match(/^adapter: NotesAppAdapter$/m);
    expect(readFileSync(join(dir, "adapters", "notes-app.ts"), "utf8")).to.include("export class NotesAppAdapter implements SaasAdapter");
    // before the build, the loader points at the build
    const e = await loadProject({ cwd: dir, env: {} }).catch((x: Error) => x);
    expect((e as Error).message).to.include("koogate.config.ts").and.include("is TypeScript").and.include("npm run build");
  });

  it("never overwrites an existing file, and reports it as kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "koogate-init-"));
    writeFileSync(join(dir, "tsconfig.json"), "{ \"mine\": true }\n");
    const out = io();
    expect(await init(["--no-install"], out, dir)).to.equal(0);
    expect(readFileSync(join(dir, "tsconfig.json"), "utf8")).to.equal("{ \"mine\": true }\n");
    expect(out.lines).to.include("kept     tsconfig.json (exists)");
    const again = io();
    await init(["--no-install"], again, dir);
    expect(again.lines.filter((l) => l.startsWith("created"))).to.deep.equal([]);
  });

  it("adds only the scripts and type package.json lacks, keeping the merchant's own", async () => {
    const dir = mkdtempSync(join(tmpdir(), "koogate-init-"));
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "shop", scripts: { test: "vitest" }, dependencies: { koogate: "^0.1.0" } }));
    await init(["--no-install"], io(), dir);
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg).to.deep.include({ name: "shop", type: "module", dependencies: { koogate: "^0.1.0" } });
    expect(pkg.scripts).to.deep.include({ test: "vitest", build: "tsc", start: "koogate serve" });
  });
});
