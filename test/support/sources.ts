/** Reading the repository's own TypeScript sources, for the tests that hold its dependency rules. */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** Every .ts source under `path` (itself when a file), node_modules and declaration files left out. */
export function sources(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((name) => {
    const inside = join(path, name);
    if (statSync(inside).isDirectory()) return name === "node_modules" ? [] : sources(inside);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [inside] : [];
  });
}

/** The module specifiers a source names: static imports and re-exports, side-effect imports, dynamic imports, in the order written. */
export function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*)["']([^"']+)["']/g)].map((m) => m[1]!);
}
