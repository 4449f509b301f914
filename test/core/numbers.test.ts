import { expect } from "chai";
import { loadConfig } from "../../core/settings/index.js";
import { SetupError } from "../../core/errors.js";
import { parseDecimal, parseWholeNumber } from "../../core/numbers.js";
import { opsSettings } from "../../core/settings/index.js";

// issue 24, finding 11: numbers from outside were read with Number(), which takes 0x10, 0b11 and " 5 "
const NOT_DECIMAL = ["0x10", "0b11", "0o7", " 5 ", "5 ", "1e3", "Infinity", "NaN", "-1", "+1", "", "1_000", "٣"];

describe("numbers from outside (core/numbers.ts)", () => {
  it("reads whole numbers in decimal digits", () => {
    expect(["0", "7", "0042", "9007199254740991"].map(parseWholeNumber)).to.deep.equal([0, 7, 42, 9007199254740991]);
  });

  it("refuses every other way of writing a whole number", () => {
    expect([...NOT_DECIMAL, "1.5", "9007199254740993"].map(parseWholeNumber)).to.deep.equal(Array(NOT_DECIMAL.length + 2).fill(undefined));
  });

  it("reads decimals with an optional fraction, and refuses the rest", () => {
    expect(["2.5", "10", "0.0001"].map(parseDecimal)).to.deep.equal([2.5, 10, 0.0001]);
    expect([...NOT_DECIMAL, ".5", "5.", "1.2.3"].map(parseDecimal)).to.deep.equal(Array(NOT_DECIMAL.length + 3).fill(undefined));
  });

  it("refuses a setting written in hex, binary or with spaces", () => {
    for (const v of ["0x10", "0b11", " 5 ", "1e3"]) {
      expect(() => loadConfig({ KOOGATE_MAX_CONNECTIONS: v }, false), v).to.throw(SetupError, /KOOGATE_MAX_CONNECTIONS=".*": must be a whole number/);
      expect(() => opsSettings({ KOOGATE_ALERT_MIN_CALLS: v }), v).to.throw(SetupError, /KOOGATE_ALERT_MIN_CALLS=".*": must be a number/);
    }
  });
});
