/**
 * The merchant's project file in each accepted form (issue 19, "typed configuration"): a compiled
 * koogate.config.ts, koogate.config.js and .mjs (classes or module paths), koogate.config.json; a .ts
 * without its compiled JavaScript, or changed after it was compiled, refuses the start naming both.
 */
import { utimesSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { loadProject } from "../../../core/project/index.js";
import { configJson, NOTES_YAML, PLAIN_ADAPTER_JS, writeProject } from "../../support/project.js";

/** What `tsc` makes of a koogate.config.ts that imports its adapter class (defineConfig is the identity at run time). */
const COMPILED_CONFIG = `import { NotesAppAdapter } from "./adapters/notes.js";
export default { products: "../products", adapters: [NotesAppAdapter], database: "sqlite:data/from-ts.sqlite" };
`;
const CONFIG_TS = `import { defineConfig } from "koogate";
import { NotesAppAdapter } from "./adapters/notes.js";
export default defineConfig({ products: "products", adapters: [NotesAppAdapter], database: "sqlite:data/from-ts.sqlite" });
`;

async function problem(cwd: string): Promise<string> {
  const e = await loadProject({ cwd, env: {} }).then(() => undefined, (x: Error) => x);
  expect(e, "the project loads, but should not").to.be.instanceOf(Error);
  return e!.message;
}

/** Sets a file's modification time `seconds` from now. */
function touch(file: string, seconds: number): void {
  const t = Date.now() / 1000 + seconds;
  utimesSync(file, t, t);
}

describe("the project file", () => {
  it("reads a koogate.config.ts through its compiled dist/koogate.config.js, its paths relative to the .ts", async () => {
    const cwd = writeProject({ "koogate.config.ts": CONFIG_TS, "dist/koogate.config.js": COMPILED_CONFIG.replace("../products", "products"), "dist/adapters/notes.js": PLAIN_ADAPTER_JS, "products/notes.yaml": NOTES_YAML });
    touch(join(cwd, "koogate.config.ts"), -60);
    const p = await loadProject({ cwd, env: {} });
    expect(p.configFile).to.equal(join(cwd, "koogate.config.ts"));
    expect(p.adapters.map((a) => a.name)).to.deep.equal(["NotesAppAdapter"]);
    expect(p.config.productsDir).to.equal(join(cwd, "products"));
    expect(p.config.databaseUrl).to.equal(`sqlite:${join(cwd, "data/from-ts.sqlite")}`);
  });

  it("refuses a koogate.config.ts that was never compiled, naming the build", async () => {
    const cwd = writeProject({ "koogate.config.ts": CONFIG_TS });
    const m = await problem(cwd);
    expect(m).to.include("koogate.config.ts").and.include("is TypeScript").and.include("dist/koogate.config.js").and.include("npm run build");
  });

  it("refuses a koogate.config.ts changed after it was compiled: the old settings would be served", async () => {
    const cwd = writeProject({ "koogate.config.ts": CONFIG_TS, "dist/koogate.config.js": COMPILED_CONFIG, "dist/adapters/notes.js": PLAIN_ADAPTER_JS });
    touch(join(cwd, "dist/koogate.config.js"), -60);
    const m = await problem(cwd);
    expect(m).to.include("koogate.config.ts").and.include("was changed after it was compiled").and.include("npm run build");
  });

  for (const name of ["koogate.config.js", "koogate.config.mjs"]) {
    it(`reads ${name} listing an imported adapter class and a module path alike`, async () => {
      const cwd = writeProject({
        [name]: `import { NotesAppAdapter } from "./dist/adapters/notes.js";\nexport default { adapters: [NotesAppAdapter, "dist/adapters/more.js"] };\n`,
        "dist/adapters/notes.js": PLAIN_ADAPTER_JS,
        "dist/adapters/more.js": PLAIN_ADAPTER_JS.replace("class NotesAppAdapter", "class MoreAdapter"),
      });
      const p = await loadProject({ cwd, env: {} });
      expect(p.adapters.map((a) => a.name)).to.deep.equal(["NotesAppAdapter", "MoreAdapter"]);
      expect(p.config.productsDir).to.equal(join(cwd, "products"));
    });
  }

  it("refuses a class in the adapters list that is no adapter, naming the entry", async () => {
    const cwd = writeProject({ "koogate.config.js": "class Helper {}\nexport default { adapters: [Helper] };\n" });
    expect(await problem(cwd)).to.include("koogate.config.js /adapters/0").and.include("Helper is not an adapter class");
  });

  it("reads koogate.config.json, and prefers the .ts to it when both are there", async () => {
    const cwd = writeProject({ "koogate.config.json": configJson(), "dist/adapters/notes.js": PLAIN_ADAPTER_JS });
    expect((await loadProject({ cwd, env: {} })).adapters.map((a) => a.name)).to.deep.equal(["NotesAppAdapter"]);
    const both = writeProject({ "koogate.config.json": configJson(), "koogate.config.ts": CONFIG_TS });
    expect(await problem(both)).to.include("koogate.config.ts");
  });
});
