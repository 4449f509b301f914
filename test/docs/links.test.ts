/**
 * Issue 23, "Every link checked": each relative link of README*.md and docs/**\/*.md reaches a file of
 * the repository, and each anchor a heading of its page.
 */
import { existsSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { expect } from "chai";
import { anchorsOf, proseLines } from "../../scripts/docs/markdown.js";
import { docPages, read, ROOT } from "./support.js";

/** The relative links of a page outside code: `[text](target)` and `![alt](target)`. */
function links(page: string): { target: string; n: number }[] {
  const out: { target: string; n: number }[] = [];
  for (const { line, n } of proseLines(read(page))) {
    for (const m of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!/^[a-z][a-z0-9+.-]*:/i.test(m[1]!)) out.push({ target: m[1]!, n });
    }
  }
  return out;
}

describe("the documentation's links", () => {
  for (const page of docPages()) {
    it(`${page}: every relative link reaches a file, and every anchor a heading`, () => {
      const broken: string[] = [];
      for (const { target, n } of links(page)) {
        const [path, anchor] = target.split("#") as [string, string?];
        const file = path === "" ? page : normalize(join(dirname(page), decodeURI(path)));
        if (!existsSync(join(ROOT, file))) {
          broken.push(`${page}:${n} ${target}: no such file`);
          continue;
        }
        if (anchor && file.endsWith(".md") && !anchorsOf(read(file)).has(anchor)) broken.push(`${page}:${n} ${target}: no such heading in ${file}`);
      }
      expect(broken).to.deep.equal([]);
    });
  }
});
