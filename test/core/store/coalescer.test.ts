import { expect } from "chai";
import { Coalescer, stepEach } from "../../../core/store/coalescer.js";

/** A flush that doubles numbers and refuses the whole batch when it holds a negative one, as a
 * database refuses a multi-row insert for one bad row. It records every batch it was given. */
function poisonable() {
  const batches: number[][] = [];
  const flush = async (items: number[]): Promise<number[]> => {
    batches.push([...items]);
    const bad = items.find((n) => n < 0);
    if (bad !== undefined) throw new Error(`refused ${bad}`);
    return items.map((n) => n * 2);
  };
  return { batches, coalescer: new Coalescer(flush) };
}

/** Each settled result as one comparable value. */
const outcomes = (results: PromiseSettledResult<number>[]) =>
  results.map((r) => (r.status === "fulfilled" ? r.value : `rejected: ${(r.reason as Error).message}`));

describe("Coalescer (core/store)", () => {
  it("flushes concurrent submissions together, in one batch, each answered with its own result", async () => {
    const { batches, coalescer } = poisonable();
    const results = await Promise.all([1, 2, 3].map((n) => coalescer.submit(n)));
    expect(results).to.deep.equal([2, 4, 6]);
    expect(batches).to.deep.equal([[1, 2, 3]]);
  });

  it("rejects only the poisoned item of a failed batch, with its own error, and answers the others", async () => {
    const { coalescer } = poisonable();
    const results = await Promise.allSettled([1, 2, -3, 4, 5].map((n) => coalescer.submit(n)));
    expect(outcomes(results)).to.deep.equal([2, 4, "rejected: refused -3", 8, 10]);
  });

  it("gives each of two poisoned items its own error", async () => {
    const { coalescer } = poisonable();
    const results = await Promise.allSettled([-1, 2, -3].map((n) => coalescer.submit(n)));
    expect(outcomes(results)).to.deep.equal(["rejected: refused -1", 4, "rejected: refused -3"]);
  });

  it("tries a failed batch again item by item, in the order submitted, and only then", async () => {
    const { batches, coalescer } = poisonable();
    await Promise.allSettled([1, -2, 3].map((n) => coalescer.submit(n)));
    expect(batches).to.deep.equal([[1, -2, 3], [1], [-2], [3]]);
  });

  it("rejects a lone item with its flush's error, without flushing it a second time", async () => {
    const { batches, coalescer } = poisonable();
    const result = await coalescer.submit(-7).catch((e: Error) => e.message);
    expect(result).to.equal("refused -7");
    expect(batches).to.deep.equal([[-7]]);
  });

  it("keeps serving the calls queued behind a failed batch", async () => {
    const { coalescer } = poisonable();
    const first = Promise.allSettled([1, -1].map((n) => coalescer.submit(n)));
    // submitted while the first batch is being flushed: they form the next batch
    await new Promise((r) => setImmediate(r));
    const second = Promise.all([5, 6].map((n) => coalescer.submit(n)));
    expect(outcomes(await first)).to.deep.equal([2, "rejected: refused -1"]);
    expect(await second).to.deep.equal([10, 12]);
  });

  it("splits more submissions than maxBatch into several flushes", async () => {
    const batches: number[][] = [];
    const coalescer = new Coalescer(async (items: number[]) => {
      batches.push(items);
      return items;
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((n) => coalescer.submit(n)))).to.deep.equal([1, 2, 3, 4, 5]);
    expect(batches).to.deep.equal([[1, 2], [3, 4], [5]]);
  });
});

describe("stepEach (core/store): one step of a flush of several statements", () => {
  it("runs the step once for the whole batch when it holds", async () => {
    const batches: number[][] = [];
    const flush = async (items: number[]) => (batches.push([...items]), items.map((n) => n * 2));
    expect(await stepEach([1, 2, 3], flush)).to.deep.equal([2, 4, 6]);
    expect(batches).to.deep.equal([[1, 2, 3]]);
  });

  it("runs a refused batch again item by item: the bad item gets its own error as its result, the others their results", async () => {
    const batches: number[][] = [];
    const flush = async (items: number[]) => {
      batches.push([...items]);
      if (items.some((n) => n < 0)) throw new Error(`refused ${items.join(",")}`);
      return items.map((n) => n * 2);
    };
    const out = await stepEach([1, -2, 3], flush);
    expect(out.map((o) => (o instanceof Error ? o.message : o))).to.deep.equal([2, "refused -2", 6]);
    expect(batches).to.deep.equal([[1, -2, 3], [1], [-2], [3]]);
  });

  it("runs nothing for no items", async () => {
    let runs = 0;
    expect(await stepEach([], async (items: number[]) => (runs++, items))).to.deep.equal([]);
    expect(runs).to.equal(0);
  });
});
