import { expect } from "chai";
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { ConnectionShedder, SILENT_GRACE_MS } from "../../server/connection-shedding.js";

/** A socket as the shedder sees it: an address, the bytes read so far, and whether it was destroyed. */
class FakeSocket extends EventEmitter {
  bytesRead = 0;
  destroyed = false;
  constructor(readonly remoteAddress: string) {
    super();
  }
  destroy() {
    this.destroyed = true;
    this.emit("close");
  }
}

describe("choosing the connection to close at the limit (server/connection-shedding.ts)", () => {
  let now = 0;
  const open = (shedder: ConnectionShedder, address = "10.0.0.1") => {
    const s = new FakeSocket(address);
    const shed = shedder.accept(s as unknown as Socket);
    return { s, shed };
  };

  beforeEach(() => (now = 0));

  it("accepts connections up to the limit without closing any", () => {
    const shedder = new ConnectionShedder({ maxConnections: 2, maxConnectionsPerAddress: 10 }, () => now);
    expect([open(shedder).shed, open(shedder).shed]).to.deep.equal([undefined, undefined]);
    expect(shedder.size).to.equal(2);
  });

  it("accepts the new connection past the limit and closes the one silent for longest", () => {
    const shedder = new ConnectionShedder({ maxConnections: 3, maxConnectionsPerAddress: 10 }, () => now);
    const older = open(shedder).s;
    now = 100;
    const sending = open(shedder).s;
    sending.bytesRead = 40;
    const newer = open(shedder).s;
    now = 100 + SILENT_GRACE_MS;
    const { s: newcomer, shed } = open(shedder);
    expect(shed).to.equal("closed-silent");
    expect([older, sending, newer, newcomer].map((s) => s.destroyed)).to.deep.equal([true, false, false, false]);
  });

  it("closes the slowest sender before a connection opened less than a round trip ago", () => {
    const shedder = new ConnectionShedder({ maxConnections: 3, maxConnectionsPerAddress: 10 }, () => now);
    const fast = open(shedder).s;
    const slow = open(shedder).s;
    now = 1000;
    fast.bytesRead = 5000;
    slow.bytesRead = 50;
    const young = open(shedder).s;
    const { s: newcomer, shed } = open(shedder);
    expect(shed).to.equal("closed-slowest");
    expect([fast, slow, young, newcomer].map((s) => s.destroyed)).to.deep.equal([false, true, false, false]);
  });

  it("never closes a connection whose request has arrived and is being answered, and refuses the new one when all are", () => {
    const shedder = new ConnectionShedder({ maxConnections: 2, maxConnectionsPerAddress: 10 }, () => now);
    const busy = [open(shedder).s, open(shedder).s];
    for (const s of busy) {
      s.bytesRead = 200;
      shedder.requested({ socket: s, complete: true } as unknown as IncomingMessage);
    }
    now = 10_000;
    const { s: newcomer, shed } = open(shedder);
    expect(shed).to.equal("refused");
    expect(newcomer.destroyed).to.equal(true);
    expect(busy.map((s) => s.destroyed)).to.deep.equal([false, false]);
    expect(shedder.size).to.equal(2);
  });

  it("counts a keep-alive connection silent since its last answer as one that sends nothing", () => {
    const shedder = new ConnectionShedder({ maxConnections: 2, maxConnectionsPerAddress: 10 }, () => now);
    const kept = open(shedder).s;
    kept.bytesRead = 300;
    shedder.requested({ socket: kept, complete: true } as unknown as IncomingMessage);
    const sending = open(shedder).s;
    sending.bytesRead = 10;
    now = 50;
    shedder.answered(kept as unknown as Socket);
    now = 50 + SILENT_GRACE_MS;
    expect(open(shedder).shed).to.equal("closed-silent");
    expect([kept.destroyed, sending.destroyed]).to.deep.equal([true, false]);
  });

  it("past the bound of one address, closes a connection of that address and leaves the others alone", () => {
    const shedder = new ConnectionShedder({ maxConnections: 100, maxConnectionsPerAddress: 2 }, () => now);
    const other = open(shedder, "10.0.0.9").s;
    const mine = [open(shedder, "10.0.0.1").s, open(shedder, "10.0.0.1").s];
    now = 10_000;
    const { s: newcomer, shed } = open(shedder, "10.0.0.1");
    expect(shed).to.equal("closed-silent");
    expect([other.destroyed, mine[0]!.destroyed, mine[1]!.destroyed, newcomer.destroyed]).to.deep.equal([false, true, false, false]);
  });
});
