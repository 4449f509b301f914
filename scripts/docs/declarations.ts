/**
 * A reader of the declaration files tsc emits (dist/**\/*.d.ts): top-level statements with their JSDoc,
 * and the names a module exports, followed through `export … from` to where each is declared. Enough
 * for the public API reference; not a TypeScript parser (TypeScript 7 has no stable compiler API).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";

export interface Statement {
  text: string;
  doc: string;
}

export interface Declared {
  name: string;
  /** class, interface, type, function, const, enum, namespace; or `re-export` from a package. */
  kind: string;
  /** The declaring file, relative to the dist folder, as its source path (`core/errors.ts`). */
  source: string;
  doc: string;
  /** The declaration text (all of a function's overloads). */
  text: string;
}

const STARTS_BLOCK = /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(?:interface|class|enum|namespace|module)\b/;

/** The top-level statements of a declaration file, each with the JSDoc right before it. */
export function statementsOf(source: string): Statement[] {
  const out: Statement[] = [];
  let depth = 0;
  let start = 0;
  let doc = "";
  let pendingDoc = "";
  let i = 0;
  const flush = (end: number) => {
    const text = source.slice(start, end).trim();
    if (text && text !== ";") out.push({ text, doc });
    start = end;
    doc = "";
  };
  while (i < source.length) {
    const c = source[i]!;
    const rest = source.slice(start, i).trim();
    if (source.startsWith("/*", i)) {
      const end = source.indexOf("*/", i + 2) + 2;
      if (depth === 0 && rest === "") {
        pendingDoc = source.startsWith("/**", i) ? source.slice(i, end) : pendingDoc;
        start = end;
      }
      i = end;
      continue;
    }
    if (source.startsWith("//", i)) {
      const end = source.indexOf("\n", i);
      i = end < 0 ? source.length : end;
      if (depth === 0 && rest === "") start = i;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === "\\" ? 2 : 1;
      i = j + 1;
      continue;
    }
    if (depth === 0 && rest === "" && !/\s/.test(c)) {
      doc = pendingDoc;
      pendingDoc = "";
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") {
      depth--;
      if (depth === 0 && c === "}" && STARTS_BLOCK.test(source.slice(start, i).trim())) {
        flush(i + 1);
        i++;
        continue;
      }
    } else if (c === ";" && depth === 0) {
      flush(i + 1);
      i++;
      continue;
    }
    i++;
  }
  flush(source.length);
  return out;
}

/** A JSDoc block as plain text. */
export function docText(doc: string): string {
  return doc
    .replace(/^\/\*\*\s?/, "")
    .replace(/\s*\*\/$/, "")
    .split("\n")
    .map((l) => l.replace(/^\s*\* ?/, ""))
    .join("\n")
    .trim();
}

const DECLARATION = /^(?:export\s+)?(?:declare\s+)?(?:abstract\s+)?(class|interface|type|function|const|let|var|enum|namespace)\s+([\w$]+)/;
const RE_EXPORT = /^export\s+(?:type\s+)?\{([^}]*)\}(?:\s+from\s+["']([^"']+)["'])?/;
const STAR = /^export\s+\*\s+from\s+["']([^"']+)["']/;

/** Reads declaration files from a dist folder and resolves what each exports. */
export class DeclarationReader {
  private readonly cache = new Map<string, Statement[]>();
  constructor(private readonly dist: string) {}

  private statements(file: string): Statement[] {
    let s = this.cache.get(file);
    if (!s) {
      s = statementsOf(readFileSync(file, "utf8"));
      this.cache.set(file, s);
    }
    return s;
  }

  private target(from: string, spec: string): string | undefined {
    if (!spec.startsWith(".")) return undefined;
    const file = join(dirname(from), spec.replace(/\.js$/, ".d.ts"));
    return existsSync(file) ? file : join(dirname(from), spec, "index.d.ts");
  }

  private sourceOf(file: string): string {
    return relative(this.dist, file).replace(/\.d\.ts$/, ".ts");
  }

  /** The names `file` exports, in order, each resolved to its declaration. */
  exportsOf(file: string, seen = new Set<string>()): Declared[] {
    if (seen.has(file)) return [];
    seen.add(file);
    const out: Declared[] = [];
    for (const st of this.statements(file)) {
      const star = STAR.exec(st.text);
      if (star) {
        const t = this.target(file, star[1]!);
        if (t) out.push(...this.exportsOf(t, seen));
        continue;
      }
      const re = RE_EXPORT.exec(st.text);
      if (re) {
        for (const part of re[1]!.split(",").map((p) => p.trim().replace(/^type\s+/, "")).filter(Boolean)) {
          const [local, exported = local] = part.split(/\s+as\s+/) as [string, string?];
          const from = re[2];
          if (from && !from.startsWith(".")) {
            out.push({ name: exported!, kind: "re-export", source: from, doc: "", text: `export { ${part} } from "${from}";` });
            continue;
          }
          const found = from ? this.find(this.target(file, from)!, local) : this.local(file, local);
          if (found) out.push({ ...found, name: exported! });
        }
        continue;
      }
      const d = DECLARATION.exec(st.text);
      if (d && st.text.startsWith("export")) out.push(...this.merge(file, d[2]!));
    }
    const names = new Set<string>();
    return out.filter((d) => !names.has(d.name) && names.add(d.name));
  }

  /** `name` as exported by `file`. */
  private find(file: string, name: string): Declared | undefined {
    return this.exportsOf(file, new Set()).find((d) => d.name === name);
  }

  /** `name` declared in `file` itself (exported or not), its overloads merged. */
  private local(file: string, name: string): Declared | undefined {
    return this.merge(file, name)[0];
  }

  private merge(file: string, name: string): Declared[] {
    const found = this.statements(file).filter((st) => DECLARATION.exec(st.text)?.[2] === name);
    if (found.length === 0) {
      const imported = this.statements(file).find((st) => /^import\b/.test(st.text) && new RegExp(`[{,\\s]${name}[,\\s}]`).test(st.text));
      const spec = imported && /from\s+["']([^"']+)["']/.exec(imported.text)?.[1];
      const t = spec ? this.target(file, spec) : undefined;
      const d = t ? this.find(t, name) : undefined;
      return d ? [d] : [];
    }
    const kind = DECLARATION.exec(found[0]!.text)![1]!;
    return [{
      name,
      kind: kind === "let" || kind === "var" ? "const" : kind,
      source: this.sourceOf(file),
      doc: docText(found.find((f) => f.doc)?.doc ?? ""),
      text: found.map((f) => f.text.replace(/^export\s+/, "").replace(/^declare\s+/, "")).join("\n"),
    }];
  }
}
