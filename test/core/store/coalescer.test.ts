import { expect } from "chai";
import { Coalescer } from "../../../core/store/coalescer.js";

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

  describe("taking its batch late (when its statement has the connection)", () => {
    /** A late flush that waits for `open` before it takes its batch, as a statement waits for SQLite's one connection. */
    function gated(fits?: (n: number) => boolean) {
      const batches: number[][] = [];
      let open!: () => void;
      const gate = new Promise<void>((r) => (open = r));
      const coalescer = new Coalescer<number, number>(
        async ({ take }) => {
          await gate;
          const items = take(fits);
          batches.push(items);
          if (items.some((n) => n < 0)) throw new Error("refused");
          return items.map((n) => n * 2);
        },
        200,
        true,
      );
      return { batches, coalescer, open: () => open() };
    }

    it("sends the items submitted while the flush waited with it, not in one more flush after it", async () => {
      const { batches, coalescer, open } = gated();
      const first = coalescer.submit(1);
      // the flush has begun and waits: an ordinary coalescer has taken [1] by now
      await new Promise((r) => setImmediate(r));
      const later = [2, 3].map((n) => coalescer.submit(n));
      open();
      expect(await Promise.all([first, ...later])).to.deep.equal([2, 4, 6]);
      expect(batches).to.deep.equal([[1, 2, 3]]);
    });

    it("takes the first item always and the next ones only as long as they fit", async () => {
      const { batches, coalescer, open } = gated((n) => n % 2 === 1);
      const all = Promise.all([2, 3, 5, 4, 7].map((n) => coalescer.submit(n)));
      open();
      expect(await all).to.deep.equal([4, 6, 10, 8, 14]);
      expect(batches).to.deep.equal([[2, 3, 5], [4, 7]]);
    });

    it("tries a failed batch again item by item, only the poisoned item rejected", async () => {
      const { batches, coalescer, open } = gated();
      const all = Promise.allSettled([1, -2, 3].map((n) => coalescer.submit(n)));
      open();
      expect(outcomes(await all)).to.deep.equal([2, "rejected: refused", 6]);
      expect(batches).to.deep.equal([[1, -2, 3], [1], [-2], [3]]);
    });

    it("fails, item by item, the batch a flush would have taken when it fails before taking it (the database unreachable)", async () => {
      let calls = 0;
      const coalescer = new Coalescer<number, number>(
        async () => {
          calls++;
          throw new Error("connection refused");
        },
        200,
        true,
      );
      const all = await Promise.allSettled([1, 2, 3].map((n) => coalescer.submit(n)));
      expect(all.map((r) => r.status)).to.deep.equal(["rejected", "rejected", "rejected"]);
      // the shared attempt, then one per item; and nothing left waiting
      expect(calls).to.equal(4);
    });
  });
});
