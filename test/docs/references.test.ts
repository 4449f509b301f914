/**
 * Issue 23, "References that cannot drift": each generated page of docs/reference/ is exactly what
 * `npm run docs` makes from the code today — the CLI's own help, the product schema, the package's
 * declaration files.
 */
import { expect } from "chai";
import { GENERATED } from "../../scripts/write-docs.js";
import { read } from "./support.js";

describe("the generated reference pages", () => {
  for (const g of GENERATED) {
    it(`${g.file} is what npm run docs writes from the code (run it after changing the CLI, the schema or the public API)`, async () => {
      expect(read(g.file) === (await g.text()), `${g.file} is out of date: run npm run docs`).to.equal(true);
    });
  }
});
