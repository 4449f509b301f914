import { expect } from "chai";
import { Admission } from "../../../core/outbox/admission.js";

describe("Admission (the bound on adapter work per process)", () => {
  it("gives a free slot at once and none past the bound", () => {
    const a = new Admission(2);
    expect(a.tryTake()).to.be.a("function");
    expect(a.tryTake()).to.be.a("function");
    expect(a.tryTake()).to.equal(undefined);
    expect(a.inUse).to.equal(2);
  });

  it("hands a released slot to the first waiting call, in arrival order", async () => {
    const a = new Admission(1);
    const release = a.tryTake()!;
    const order: string[] = [];
    const first = a.take(1000).then((r) => (order.push("first"), r));
    const second = a.take(1000).then((r) => (order.push("second"), r));
    release();
    (await first)!();
    await second;
    expect(order).to.deep.equal(["first", "second"]);
    expect(a.inUse).to.equal(1);
  });

  it("answers undefined when no slot comes free within the wait, and forgets the waiter", async () => {
    const a = new Admission(1);
    const release = a.tryTake()!;
    expect(await a.take(20)).to.equal(undefined);
    release();
    expect(a.inUse).to.equal(0);
    expect(a.idle).to.equal(1);
  });

  it("leaves no slot to background work while a call waits", async () => {
    const a = new Admission(2);
    a.tryTake();
    a.tryTake();
    const waiting = a.take(50);
    expect(a.idle).to.equal(0);
    await waiting;
  });

  it("frees one slot however often a release is called", () => {
    const a = new Admission(2);
    const release = a.tryTake()!;
    a.tryTake();
    release();
    release();
    expect(a.inUse).to.equal(1);
  });

  it("tells its listeners when a slot comes free that no call takes", () => {
    const a = new Admission(1);
    let told = 0;
    a.onIdle(() => told++);
    a.tryTake()!();
    expect(told).to.equal(1);
  });

  it("refuses a bound below one", () => {
    expect(() => new Admission(0)).to.throw(RangeError);
  });
});
