import { expect } from "chai";
import { describeError, MAX_ERROR_DESCRIPTION } from "../../core/errors.js";

describe("describeError", () => {
  it("describes an error by its name and message", () => {
    expect(describeError(new TypeError("bad value"))).to.equal("TypeError: bad value");
  });

  // issue 24, finding 10: a driver's message quoting a 600-line insert made a 243 KB log line per retry
  it("cuts a description past MAX_ERROR_DESCRIPTION characters, saying how much was left out", () => {
    const d = describeError(new Error(`insert into x values ${"(?, ?, ?), ".repeat(20_000)}`));
    expect(d.length).to.be.at.most(MAX_ERROR_DESCRIPTION);
    expect(d).to.match(/^Error: insert into x values/).and.match(/ … \(\d+ more characters\)$/);
    const left = Number(/\((\d+) more/.exec(d)![1]);
    expect(d.length - ` … (${left} more characters)`.length + left).to.equal(`Error: insert into x values ${"(?, ?, ?), ".repeat(20_000)}`.length);
  });
});
