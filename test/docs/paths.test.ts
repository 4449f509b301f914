/**
 * Issue 23: the repository paths the documentation names in code spans (`core/serving/pipeline.ts`,
 * `deploy/nginx/koogate.conf`, `test/server/shutdown.test.ts`, …) exist, so a file moved or renamed
 * cannot leave the docs pointing at nothing. A merchant's example files (`products/my-crm.yaml`) are not
 * the repository's and are not checked: only the demo's products and adapters are.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "chai";
import { proseLines } from "../../scripts/docs/markdown.js";
import { docPages, read, ROOT } from "./support.js";

const REPOSITORY_PATH = /^(?:(?:core|server|sim|bin|testing|scripts|bench|test-faults|test-package|deploy|docs)\/|test\/[\w-]+\/|adapters\/demo-|products\/demo-)[\w./-]*$/;

/** The repository paths named in a page's code spans, with their line numbers. */
function paths(page: string): { path: string; n: number }[] {
  return proseLines(read(page)).flatMap(({ line, n }) => [...line.matchAll(/`([^`\s]+)`/g)].map((m) => ({ path: m[1]!, n })).filter((p) => REPOSITORY_PATH.test(p.path)));
}

describe("the repository paths the documentation names", () => {
  for (const page of docPages()) {
    it(`${page}: every path of the repository it names exists`, () => {
      const missing = paths(page)
        .filter(({ path }) => !existsSync(join(ROOT, path)) && !existsSync(join(ROOT, path.replace(/\.js$/, ".ts"))))
        .map(({ path, n }) => `${page}:${n} ${path}`);
      expect(missing).to.deep.equal([]);
    });
  }
});
