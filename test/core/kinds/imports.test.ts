import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative, sep } from "node:path";
import { expect } from "chai";
import { sources, specifiers } from "../../support/sources.js";

/** Where each kind lives: one folder per kind under core/kinds/. */
const KINDS_DIR = join("core", "kinds");

/** The kind folder a path from the repository root lies in, if any. */
function kindOf(path: string): string | undefined {
  const rest = relative(KINDS_DIR, path);
  if (rest.startsWith("..")) return undefined;
  const parts = rest.split(sep);
  return parts.length > 1 ? parts[0] : undefined;
}

/** "file → specifier" for each import of `file` (a path from the root) that reaches into another kind's folder. */
function crossKindImports(file: string, text: string): string[] {
  const own = kindOf(file);
  return specifiers(text)
    .filter((s) => s.startsWith("."))
    .filter((s) => {
      const target = kindOf(normalize(join(dirname(file), s)));
      return target !== undefined && target !== own;
    })
    .map((s) => `${file} → ${s}`);
}

describe("kinds are plug-ins: no kind imports another (issue 19)", () => {
  it("finds an import of another kind's folder, in every form an import is written", () => {
    const file = join(KINDS_DIR, "license", "online", "service.ts");
    const text = [
      `import { A } from "../../saas/activities.js";`,
      `import type {\n  B,\n} from "../../api/adapter.js";`,
      `export * from "../../image/product.js";`,
      `import "../../saas/side-effect.js";`,
      `const c = await import("../../saas/lazy.js");`,
      `import { D } from "../context.js";`,
      `import { E } from "../../../instances/activities.js";`,
      `import { F } from "../../kind.js";`,
    ].join("\n");
    expect(crossKindImports(file, text)).to.deep.equal([
      `${file} → ../../saas/activities.js`,
      `${file} → ../../api/adapter.js`,
      `${file} → ../../image/product.js`,
      `${file} → ../../saas/side-effect.js`,
      `${file} → ../../saas/lazy.js`,
    ]);
  });

  it("no file in a kind folder of core/kinds/ imports from another kind's folder", () => {
    const kinds = readdirSync(KINDS_DIR, { withFileTypes: true }).filter((e) => e.isDirectory());
    expect(kinds.length, "the kind folders were found").to.be.greaterThan(1);
    const crossings = kinds.flatMap((k) => sources(join(KINDS_DIR, k.name))).flatMap((f) => crossKindImports(f, readFileSync(f, "utf8")));
    expect(crossings).to.deep.equal([]);
  });

  it("the core casts nothing to `never` to get one kind's types past another's", () => {
    const casts = sources("core").flatMap((f) =>
      readFileSync(f, "utf8")
        .split("\n")
        .flatMap((line, i) => (/\bas never\b/.test(line) && !/^\s*(\*|\/\/)/.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(casts).to.deep.equal([]);
  });
});
