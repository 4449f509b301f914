/**
 * Issue 23: the settings reference (docs/reference/settings.md) documents every environment variable
 * the code reads, and nothing the code does not read.
 */
import { expect } from "chai";
import { documentedVariables, readVariables, SETTINGS_REFERENCE_FILE } from "../../scripts/docs/settings-names.js";
import { read, ROOT } from "./support.js";

describe("the settings reference", () => {
  const documented = documentedVariables(read(SETTINGS_REFERENCE_FILE));
  const used = readVariables(ROOT);

  it("documents every variable the code reads", () => {
    expect([...used].filter((n) => !documented.has(n)).sort()).to.deep.equal([]);
  });

  it("documents no variable the code does not read", () => {
    expect([...documented].filter((n) => !used.has(n)).sort()).to.deep.equal([]);
  });
});
