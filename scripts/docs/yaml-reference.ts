/**
 * docs/reference/product-yaml.md: every field of a product definition, per kind, generated from the
 * JSON Schema the loader composes from the registered kinds (the schema editors read). `npm run docs`
 * writes it; test/docs/references.test.ts fails when the committed page differs.
 */
import { cell, GENERATED_NOTE } from "./markdown.js";

export const YAML_REFERENCE_FILE = "docs/reference/product-yaml.md";

type Schema = {
  description?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
};

const json = (v: unknown) => "`" + JSON.stringify(v) + "`";

/** A schema's type in a few words: `integer 1–600000`, `"hour" \| "day"`, `list of string`, … */
export function typeOf(s: Schema): string {
  if (s.const !== undefined) return json(s.const);
  if (s.enum) return s.enum.map(json).join(" or ");
  if (s.oneOf) return s.oneOf.map(typeOf).join(" or ");
  const type = Array.isArray(s.type) ? s.type.join(" or ") : (s.type ?? "any");
  const bounds: string[] = [];
  if (s.minimum !== undefined || s.maximum !== undefined) bounds.push(`${s.minimum ?? ""}–${s.maximum ?? ""}`);
  if (s.minLength !== undefined || s.maxLength !== undefined) bounds.push(`${s.minLength ?? 0}–${s.maxLength ?? "…"} characters`);
  if (s.pattern) bounds.push("`" + s.pattern + "`");
  if (type === "array") {
    const n = s.minItems !== undefined || s.maxItems !== undefined ? ` (${s.minItems ?? 0}–${s.maxItems ?? "…"}${s.uniqueItems ? ", unique" : ""})` : "";
    return `list of ${s.items ? typeOf(s.items) : "any"}${n}`;
  }
  if (type === "object" && s.properties) return `{${Object.keys(s.properties).join(", ")}}`;
  return [type, ...bounds].join(" ");
}

/** One row per field, nested fields as `parent.child` (`parent[].child` inside lists). */
function rows(props: Record<string, Schema>, required: string[], prefix: string): string[] {
  const out: string[] = [];
  for (const [name, s] of Object.entries(props)) {
    const path = prefix + name;
    out.push(`| \`${path}\` | ${cell(typeOf(s))} | ${required.includes(name) ? "yes" : ""} | ${cell(s.description ?? "")} |`);
    const nested = [s, ...(s.oneOf ?? [])];
    for (const n of nested) if (n.properties) out.push(...rows(n.properties, n.required ?? [], `${path}.`));
    if (s.items?.properties) out.push(...rows(s.items.properties, s.items.required ?? [], `${path}[].`));
  }
  return out;
}

export function yamlReference(schema: Schema & { title?: string }): string {
  const out = [
    "# Product definition reference",
    "",
    GENERATED_NOTE,
    "",
    schema.description ?? "",
    "",
    "Each file of the products folder (`products/*.yaml`) defines one listing. Its `kind` decides which",
    "fields it may have; a field not listed for its kind is refused at start (\"a typo?\"). Editors with",
    "the YAML language server check a definition as it is typed, given this first line:",
    "",
    "```yaml",
    "# yaml-language-server: $schema=../node_modules/koogate/core/products/product.schema.json",
    "```",
  ];
  for (const branch of schema.oneOf ?? []) {
    const kind = branch.properties?.kind?.const;
    out.push("", `## kind: ${String(kind)}`, "", "| field | type | required | what |", "|---|---|---|---|");
    out.push(...rows(branch.properties ?? {}, branch.required ?? [], ""));
  }
  return out.join("\n") + "\n";
}
