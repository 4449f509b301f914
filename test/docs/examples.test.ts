/**
 * Issue 23: the adapters the front pages and the guides show compile against the package's own
 * declarations, as a merchant's project would compile them (`import … from "koogate"`), so a change to
 * the public API cannot leave them behind. Fragments (docs/guide.md's `// …` excerpts) are not taken:
 * only whole modules of README*.md, docs/getting-started.md and docs/guides/.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { docPages, read, ROOT } from "./support.js";

/** The `ts` code blocks of a page that import from the package. */
function examples(page: string): string[] {
  return [...read(page).matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((m) => m[1]!).filter((code) => /from "koogate(?:\/testing)?"/.test(code));
}

describe("the TypeScript examples of the front pages and the guides", function () {
  this.timeout(120_000);
  const pages = docPages().filter((p) => /^README.*\.md$|^docs\/getting-started\.md$|^docs\/guides\//.test(p));
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "koogate-doc-examples-"));
    mkdirSync(join(dir, "node_modules"));
    symlinkSync(ROOT, join(dir, "node_modules", "koogate"), "dir");
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("type-check as a merchant's project compiles them (strict, NodeNext)", () => {
    const files: string[] = [];
    for (const page of pages) {
      examples(page).forEach((code, i) => {
        const file = `${page.replace(/[^A-Za-z0-9]+/g, "-")}-${i + 1}.ts`;
        writeFileSync(join(dir, file), code);
        files.push(file);
      });
    }
    expect(files.length).to.be.at.least(5);
    const tsconfig = {
      compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: ["node"], typeRoots: [join(ROOT, "node_modules", "@types")] },
      files,
    };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    const r = spawnSync(process.execPath, [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", dir], { encoding: "utf8" });
    expect(r.stdout + r.stderr).to.equal("");
    expect(r.status).to.equal(0);
  });
});
