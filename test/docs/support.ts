/** The documentation files the docs tests read: README*.md and docs/**\/*.md, from the repository root. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export const read = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** Every Markdown page of the documentation, as paths relative to the root. */
export function docPages(): string[] {
  const readmes = readdirSync(ROOT).filter((f) => /^README.*\.md$/.test(f));
  const docs = readdirSync(join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`);
  return [...readmes, ...docs].sort();
}
