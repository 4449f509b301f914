import { expect } from "chai";
import { SignInThrottle } from "../../../core/ops/sign-in-throttle.js";

describe("SignInThrottle", () => {
  let now = 0;
  const throttle = (o = {}) => new SignInThrottle({ perAddress: 3, total: 10, windowMs: 60_000, now: () => now, ...o });
  beforeEach(() => (now = 1_000_000));

  it("lets an address try until it has failed its share, then refuses it until its window ends", () => {
    const t = throttle();
    for (let i = 0; i < 3; i++) {
      expect(t.refusal("a")).to.equal(undefined);
      t.failed("a");
    }
    expect(t.refusal("a")).to.equal(60);
    expect(t.refusal("b"), "another address").to.equal(undefined);
    now += 60_000;
    expect(t.refusal("a")).to.equal(undefined);
  });

  it("refuses every address once all of them together have failed the total", () => {
    const t = throttle();
    for (let i = 0; i < 10; i++) t.failed(`addr-${i}`);
    expect(t.refusal("never-seen")).to.equal(60);
    now += 60_000;
    expect(t.refusal("never-seen")).to.equal(undefined);
  });

  it("holds at most the total of entries however many addresses fail, windows expiring rather than wiped", () => {
    const t = throttle({ total: 100 });
    for (let i = 0; i < 100_000; i++) {
      const a = `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`;
      if (t.refusal(a) === undefined) t.failed(a);
      if (i % 1000 === 999) now += 1000;
    }
    expect(t.size).to.be.at.most(100);
  });
});
