import { expect } from "chai";
import { KINDS, registerKind } from "../../../core/kinds/index.js";
import type { Kind } from "../../../core/kinds/kind.js";
import { activities, keyTypeDescriptions, resultMessageOf } from "../../../core/kinds/registry.js";
import { echoKind } from "../../fixtures/kinds/echo/index.js";

/** The echo kind under another name, with some of its declarations replaced. */
const variant = (name: string, extra: Partial<Kind>): Kind => ({ ...echoKind, name, ...extra });

describe("the kind registry (core/kinds/registry.ts)", () => {
  it("holds the built-in kinds, each registered by its one line", () => {
    expect(KINDS.map((k) => k.name)).to.include.members(["saas", "license", "api", "image"]);
  });

  it("gathers what a kind declares while it is registered, and forgets it once taken out", () => {
    const unregister = registerKind(echoKind);
    try {
      expect(keyTypeDescriptions()).to.have.property("echo");
      expect(activities()).to.include("echoWords");
      expect(resultMessageOf("000950")).to.equal("the words are too loud to echo");
    } finally {
      unregister();
    }
    expect(keyTypeDescriptions()).not.to.have.property("echo");
    expect(activities()).not.to.include("echoWords");
    expect(resultMessageOf("000950")).to.equal(undefined);
  });

  it("refuses a second kind of the same name", () => {
    expect(() => registerKind(variant("saas", {}))).to.throw('kind "saas" cannot be registered: a kind named "saas" is registered already');
  });

  it("refuses a result code that is not six digits, or one declared already with another message", () => {
    expect(() => registerKind(variant("loud", { vocabulary: { resultCodes: { "95": "x" } } }))).to.throw('result code "95" is not six digits');
    expect(() => registerKind(variant("loud", { vocabulary: { resultCodes: { "000900": "something else" } } }))).to.throw("result code 000900 is declared already with another message");
  });

  it("refuses a key type declared already with another meaning, and a command another kind declares", () => {
    expect(() => registerKind(variant("loud", { vocabulary: { keyTypes: { basic: "another key" } } }))).to.throw('key type "basic" is declared already');
    expect(() => registerKind(variant("loud", { vocabulary: {}, commands: { calls: echoKind.commands!.echo! } }))).to.throw('command "calls" is declared already by kind "api"');
    expect(KINDS.map((k) => k.name)).not.to.include("loud");
  });
});
