/**
 * Which connection goes when there are too many (issue 24, finding 14). Refusing the new connection at
 * the limit lets anyone who holds connections open (sending nothing, or half a body) lock every new
 * caller out until the timeouts free a slot. Like nginx's and Envoy's overload management, the new
 * connection is accepted instead and the one that has made the least progress is closed: first one
 * that has sent nothing (since it opened, or since its last answer) for longer than a round trip, the
 * longest waiting; then one still sending its request, at the lowest rate; then one just opened. A connection whose request has fully arrived and is
 * being answered is never chosen: closing it would waste work already done. Only when every other
 * connection is being answered is the new one refused.
 *
 * The same rule bounds the connections of one socket address (`maxConnectionsPerAddress`): past it,
 * the victim is chosen among that address's connections only, so one address cannot push out another's.
 * The socket's address is used, never a forwarded header: nothing has been read when a connection opens.
 */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/**
 * How long a connection may be silent before it counts as one that sends nothing: a caller's request
 * follows its connection by about one round trip (a proxy's, at once), and a connection that has just
 * opened has not had the time to send anything. Slow senders go before these.
 */
export const SILENT_GRACE_MS = 250;

/**
 * How many connections, the oldest first, are compared to choose one to close: a flood past the limit
 * then costs a bounded look per new connection, not one over every connection (Redis samples its LRU
 * the same way). The oldest are the ones that have had the most time to make progress.
 */
export const SAMPLE = 64;

export interface SheddingLimits {
  /** most connections open at once (`KOOGATE_MAX_CONNECTIONS`) */
  maxConnections: number;
  /** most connections open at once from one socket address (`KOOGATE_MAX_CONNECTIONS_PER_ADDRESS`) */
  maxConnectionsPerAddress: number;
}

/** What was done with a connection that arrived past a limit. */
export type Shed = "closed-silent" | "closed-slowest" | "refused";

interface Tracked {
  socket: Socket;
  address: string;
  /** when it opened, or when its last answer was sent: the start of what counts as progress */
  since: number;
  /** bytes read by then */
  bytesAtSince: number;
  /** its request not answered yet, if any: once fully arrived, it is being answered */
  request: IncomingMessage | undefined;
}

export class ConnectionShedder {
  private readonly all = new Map<Socket, Tracked>();
  private readonly byAddress = new Map<string, Set<Tracked>>();

  constructor(
    private readonly limits: SheddingLimits,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** connections tracked (open) */
  get size(): number {
    return this.all.size;
  }

  /**
   * Tracks a just-accepted `socket`; when a limit is passed, closes the least-progressed connection
   * (or `socket` itself when every other is being answered) and says which it did.
   */
  accept(socket: Socket): Shed | undefined {
    const address = socket.remoteAddress ?? "";
    const t: Tracked = { socket, address, since: this.now(), bytesAtSince: 0, request: undefined };
    this.all.set(socket, t);
    let peers = this.byAddress.get(address);
    if (!peers) this.byAddress.set(address, (peers = new Set()));
    peers.add(t);
    socket.once("close", () => this.forget(t));

    const over = peers.size > this.limits.maxConnectionsPerAddress ? peers.values() : this.all.size > this.limits.maxConnections ? this.all.values() : undefined;
    if (!over) return undefined;
    const victim = this.leastProgressed(over, t);
    if (!victim) {
      socket.destroy();
      this.forget(t);
      return "refused";
    }
    const silent = victim.socket.bytesRead === victim.bytesAtSince;
    victim.socket.destroy();
    this.forget(victim);
    return silent ? "closed-silent" : "closed-slowest";
  }

  /** `req` has begun on its socket: once it has fully arrived, it is being answered until `answered`. */
  requested(req: IncomingMessage): void {
    const t = this.all.get(req.socket);
    if (t) t.request = req;
  }

  /** `socket`'s answer is sent: what it sends next counts from now. */
  answered(socket: Socket): void {
    const t = this.all.get(socket);
    if (!t) return;
    t.request = undefined;
    t.since = this.now();
    t.bytesAtSince = socket.bytesRead;
  }

  private forget(t: Tracked): void {
    if (this.all.get(t.socket) !== t) return;
    this.all.delete(t.socket);
    const peers = this.byAddress.get(t.address);
    peers?.delete(t);
    if (peers?.size === 0) this.byAddress.delete(t.address);
  }

  /**
   * The connection among the SAMPLE oldest of `candidates` (not `newcomer`, not one being answered)
   * that has made the least progress: one silent for longer than SILENT_GRACE_MS, the longest silent first; else the one
   * sending its request at the lowest rate; else one silent for less, the oldest. Undefined when none.
   */
  private leastProgressed(candidates: Iterable<Tracked>, newcomer: Tracked): Tracked | undefined {
    const now = this.now();
    let silent: Tracked | undefined;
    let young: Tracked | undefined;
    let slowest: Tracked | undefined;
    let slowestRate = Infinity;
    let looked = 0;
    for (const t of candidates) {
      if (t === newcomer || t.request?.complete) continue;
      if (++looked > SAMPLE) break;
      const sent = t.socket.bytesRead - t.bytesAtSince;
      const age = now - t.since;
      if (sent === 0) {
        if (age < SILENT_GRACE_MS) {
          if (!young || t.since < young.since) young = t;
        } else if (!silent || t.since < silent.since) silent = t;
      } else if (!silent) {
        const rate = sent / Math.max(1, age);
        if (rate < slowestRate) (slowest = t), (slowestRate = rate);
      }
    }
    return silent ?? slowest ?? young;
  }
}
