/**
 * docs/reference/api.md: what `import … from "koogate"` and `"koogate/testing"` give, generated from the
 * declaration files the build emits (the package's own `.d.ts`), so the page is what a merchant's
 * editor sees. `npm run docs` writes it; test/docs/references.test.ts fails when the committed page differs.
 */
import { join } from "node:path";
import { DeclarationReader, type Declared } from "./declarations.js";
import { anchorOf, GENERATED_NOTE } from "./markdown.js";

export const API_REFERENCE_FILE = "docs/reference/api.md";

/** The package's entry points, from package.json's `exports`: what a merchant imports, and its declaration file. */
export function entries(pkg: { name: string; exports: Record<string, string | { types?: string }> }): { specifier: string; file: string }[] {
  return Object.entries(pkg.exports).flatMap(([path, target]) => {
    const types = typeof target === "object" ? target.types : undefined;
    return types ? [{ specifier: path === "." ? pkg.name : `${pkg.name}/${path.replace(/^\.\//, "")}`, file: types.replace(/^\.\/dist\//, "") }] : [];
  });
}

const KIND_WORD: Record<string, string> = {
  class: "class",
  interface: "interface",
  type: "type",
  function: "function",
  const: "constant",
  enum: "enum",
  namespace: "namespace",
  "re-export": "re-exported",
};

/** GitHub's anchors in page order: a repeated one gets `-1`, `-2`, …  */
function anchors(): (heading: string) => string {
  const seen = new Map<string, number>();
  return (heading) => {
    const a = anchorOf(heading);
    const n = seen.get(a) ?? 0;
    seen.set(a, n + 1);
    return n === 0 ? a : `${a}-${n}`;
  };
}

function entry(d: Declared): string[] {
  const where = d.kind === "re-export" ? `from the package \`${d.source}\`` : `\`${d.source}\``;
  const out = ["", `### ${d.name}`, "", `${KIND_WORD[d.kind] ?? d.kind} · ${where}`];
  if (d.doc) out.push("", d.doc);
  out.push("", "```ts", d.text, "```");
  return out;
}

/**
 * @param dist the build's output folder (its `.d.ts` files)
 * @param pkg the package's package.json
 */
export function apiReference(dist: string, pkg: Parameters<typeof entries>[0]): string {
  const reader = new DeclarationReader(dist);
  const out = [
    "# Public API reference",
    "",
    GENERATED_NOTE,
    "",
    "Everything the package exports, as its declaration files (`.d.ts`) declare it; anything else is",
    "internal and may change between versions. Adapters are written against the interfaces of their",
    "kind (`SaasAdapter`, `LicenseCodeAdapter`, `OnlineLicenseAdapter`, `V1LicenseAdapter`, `ApiAdapter`);",
    "[getting started](../getting-started.md) and the [kind pages](../README.md#listings-by-kind) show them in use.",
  ];
  const anchor = anchors();
  anchor("Public API reference");
  for (const e of entries(pkg)) {
    const all = reader.exportsOf(join(dist, e.file));
    anchor(e.specifier);
    out.push("", `## ${e.specifier}`, "", all.map((d) => `[${d.name}](#${anchor(d.name)})`).join(" · "));
    for (const d of all) out.push(...entry(d));
  }
  return out.join("\n") + "\n";
}
