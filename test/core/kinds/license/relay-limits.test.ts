import { expect } from "chai";
import { LocalWindows, WINDOW_MS } from "../../../../core/kinds/license/relay/limits.js";

describe("the relay's count in memory (core/kinds/license/relay/limits.ts)", () => {
  it("holds at most its bound of keys however many distinct keys come in one window", () => {
    const w = new LocalWindows(1000);
    for (let i = 0; i < 20_000; i++) w.count(`a:relay:${i}`, 0);
    expect(w.size).to.equal(1000);
  });

  it("counts each key's hits in its window and starts again in the next", () => {
    const w = new LocalWindows(1000);
    expect([w.count("k", 0), w.count("k", 0), w.count("k", 0)]).to.deep.equal([1, 2, 3]);
    expect(w.count("k", WINDOW_MS)).to.equal(1);
  });

  it("drops the ended windows first, and keeps the counts of the current one", () => {
    const w = new LocalWindows(3);
    w.count("old-1", 0);
    w.count("old-2", 0);
    w.count("now", WINDOW_MS);
    w.count("now", WINDOW_MS);
    w.count("new", WINDOW_MS);
    expect(w.size).to.equal(2);
    expect(w.count("now", WINDOW_MS)).to.equal(3);
  });

  it("at its bound drops the oldest key only, never the whole table", () => {
    const w = new LocalWindows(3);
    for (const k of ["a", "b", "c"]) w.count(k, 0);
    w.count("c", 0);
    w.count("d", 0);
    expect(w.size).to.equal(3);
    expect(w.count("c", 0)).to.equal(3);
  });
});
