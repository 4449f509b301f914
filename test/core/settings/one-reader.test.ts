/**
 * Settings are read in one place (issue 19, "one settings module"): no shipped module reads
 * `process.env` or a `KOOGATE_*` variable but the settings module (core/settings/) and the executable
 * (bin/koogate.ts). A module that needs a setting gets it from the `Settings` it is handed.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { sources } from "../../support/sources.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const SHIPPED = ["index.ts", "core", "server", "bin", "sim", "testing", "adapters", "bench", "scripts"];
const ALLOWED = (file: string) => file.startsWith("core/settings/") || file === "bin/koogate.ts";

/** `process.env`, and a `KOOGATE_*` variable read from any environment object (`env.KOOGATE_X`, `env["KOOGATE_X"]`). */
const READS = /\bprocess\.env\b|\benv\??\.KOOGATE_\w+|\benv\??\.?\[\s*["'`]KOOGATE_/;

/** The code of a TypeScript file without its comments (a comment may name a variable). */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
}

/** Every line of the code under `tops`, outside the files `allowed`, that reads the environment. */
function readsOutside(tops: string[], allowed: (file: string) => boolean): string[] {
  return tops.flatMap((top) => sources(join(ROOT, top))).flatMap((path) => {
    const file = relative(ROOT, path);
    if (allowed(file)) return [];
    return code(readFileSync(path, "utf8"))
      .split("\n")
      .flatMap((line, i) => (READS.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
  });
}

describe("settings are read in one place", () => {
  it("the scan recognises every way of reading a setting, and not a name in a message", () => {
    for (const line of ["const p = process.env.PORT;", "f(process.env);", "io.env.KOOGATE_MARKETPLACE_AK", "ctx.env?.KOOGATE_X", 'env["KOOGATE_DATABASE_URL"]']) expect(READS.test(code(line)), line).to.equal(true);
    for (const line of ['throw new Error("set KOOGATE_MARKETPLACE_AK");', "// reads process.env", "/** env.KOOGATE_X in a comment */"]) expect(READS.test(code(line)), line).to.equal(false);
  });

  it("no shipped module but core/settings/ and bin/koogate.ts reads process.env or a KOOGATE_ variable", () => {
    expect(readsOutside(SHIPPED, ALLOWED)).to.deep.equal([]);
  });

  it("the tests read their own variables through test/support/environment.ts only", () => {
    // test-package/ is left out: it runs npm as a merchant would, with the whole environment
    const allowed = (file: string) => file === "test/support/environment.ts" || file === "test/core/settings/one-reader.test.ts";
    expect(readsOutside(["test", "test-faults"], allowed)).to.deep.equal([]);
  });
});
