import { expect } from "chai";
import { blockOf, LocalWindows, WINDOW_MS } from "../../../../core/kinds/license/relay/limits.js";

describe("the relay's count in memory (core/kinds/license/relay/limits.ts)", () => {
  const hits = (w: LocalWindows, key: string, start: number) => w.count(key, start).hits;

  it("holds at most its bound of keys however many distinct keys come in one window", () => {
    const w = new LocalWindows(1000);
    for (let i = 0; i < 20_000; i++) w.count(`a:relay:${i}`, 0);
    expect(w.size).to.equal(1000);
  });

  it("counts each key's requests in its window and starts again in the next", () => {
    const w = new LocalWindows(1000);
    expect([hits(w, "k", 0), hits(w, "k", 0), hits(w, "k", 0)]).to.deep.equal([1, 2, 3]);
    expect(hits(w, "k", WINDOW_MS)).to.equal(1);
  });

  it("drops the ended windows first, and keeps the counts of the current one", () => {
    const w = new LocalWindows(3);
    w.count("old-1", 0);
    w.count("old-2", 0);
    w.count("now", WINDOW_MS);
    w.count("now", WINDOW_MS);
    w.count("new", WINDOW_MS);
    expect(w.size).to.equal(2);
    expect(hits(w, "now", WINDOW_MS)).to.equal(3);
  });

  it("at its bound drops the oldest key only, never the whole table", () => {
    const w = new LocalWindows(3);
    for (const k of ["a", "b", "c"]) w.count(k, 0);
    w.count("c", 0);
    w.count("d", 0);
    expect(w.size).to.equal(3);
    expect(hits(w, "c", 0)).to.equal(3);
  });

  it("takes a twentieth of a limit from the database at once, one for a small limit and at most 1000", () => {
    expect([blockOf(5), blockOf(30), blockOf(60), blockOf(1_000_000_000)]).to.deep.equal([1, 1, 3, 1000]);
  });
});
