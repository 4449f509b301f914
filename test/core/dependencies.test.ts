import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { expect } from "chai";
import { sources, specifiers } from "../support/sources.js";

/**
 * The dependency points one way: server/, sim/ and bin/ build on core/, never the reverse (STYLE.md
 * §5: "core/ defines the interfaces and imports no Koa"). Read from the sources, so that a new import
 * fails here whatever it is used for. The package's entry (index.ts) and the testing kit (testing/)
 * start a server, so they live outside core/.
 */
const FORBIDDEN_PACKAGES = ["koa", "@koa/"];
const FORBIDDEN_FOLDERS = ["server", "sim", "bin", "testing"];

/**
 * Files that still break the rule, each for a reason recorded here (none left: the API kind's gateway
 * middleware no longer imports Koa or server/, issue 21); the last test below fails once an entry no
 * longer offends, so that this list cannot outlive its reason.
 */
const PENDING = new Set<string>();

/** What is wrong with `file` importing `spec`, or undefined when nothing is. */
function offence(file: string, spec: string): string | undefined {
  if (spec.startsWith(".")) {
    const target = relative(".", resolve(dirname(file), spec)).split(/[\\/]/);
    if (target[0] !== "core") return `${file} imports ${spec} (${target.join("/")}), outside core/`;
    return undefined;
  }
  if (FORBIDDEN_PACKAGES.some((p) => spec === p || (p.endsWith("/") && spec.startsWith(p)))) return `${file} imports ${spec}`;
  return undefined;
}

function offences(): Map<string, string[]> {
  const byFile = new Map<string, string[]>();
  for (const file of sources("core")) {
    const found = specifiers(readFileSync(file, "utf8")).flatMap((s) => offence(file, s) ?? []);
    if (found.length) byFile.set(file.split(/[\\/]/).join("/"), found);
  }
  return byFile;
}

describe("core's dependencies", () => {
  it("no file under core/ imports koa, @koa/router, or anything outside core/", () => {
    const found = [...offences()].filter(([file]) => !PENDING.has(file)).flatMap(([, o]) => o);
    expect(found).to.deep.equal([]);
  });

  it("the check recognises each forbidden import", () => {
    for (const folder of FORBIDDEN_FOLDERS) expect(offence("core/kernel.ts", `../${folder}/x.js`)).to.be.a("string");
    expect(offence("core/kinds/api/x.ts", "../../../server/raw-body.js")).to.be.a("string");
    expect(offence("core/x.ts", "koa")).to.be.a("string");
    expect(offence("core/x.ts", "@koa/router")).to.be.a("string");
    expect(offence("core/kinds/x.ts", "../store/db.js")).to.equal(undefined);
    expect(offence("core/x.ts", "knex")).to.equal(undefined);
    expect(specifiers(`import type { A } from "koa";\nexport * from "../server/x.js";\nawait import("../sim/y.js");\nimport "../bin/z.js";`)).to.deep.equal(["koa", "../server/x.js", "../sim/y.js", "../bin/z.js"]);
  });

  it("every file excused for now still needs its excuse", () => {
    const found = offences();
    for (const file of PENDING) expect(found.has(file), `${file} no longer offends: remove it from PENDING`).to.equal(true);
  });
});
