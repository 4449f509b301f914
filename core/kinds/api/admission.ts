/**
 * What must hold before an API call is forwarded, settled for the calls that arrive together in one
 * flush (issue 21): its APIG signature claimed, so that a replay is refused, then — for a fresh one —
 * the call counted against the listing's per-buyer limit; a replay is never counted. Both statements are
 * committed before any call of the flush is answered, so a crash cannot let a replay through nor lose a
 * count, and each runs once per flush whatever the number of calls (one SQL text, ./rate-limit.ts and
 * core/store/nonces.ts `claimMany`). A call that needs neither costs nothing.
 *
 * Before, the claim and the count were two group commits of their own, one waiting for the other: two
 * queues, two turns of the event loop and two promises per call. On SQLite the two statements still
 * take one thread-pool trip each: the driver runs one statement per trip, and SQLite has no statement
 * that inserts into two tables and returns what both did (PostgreSQL's data-modifying WITH does).
 */
import { Coalescer, stepEach } from "../../store/coalescer.js";
import type { NonceStore } from "../../store/nonces.js";
import type { BuyerLimits } from "./rate-limit.js";

/** The nonce scope of APIG signatures (core/store/nonces.ts): never colliding with a production nonce. */
export const APIG_NONCE_SCOPE = "api-apig";

/** One authenticated call to admit. */
export interface Admission {
  productId: string;
  /** the signature to claim (./gateway-auth.ts `replayKey`), when the scheme gives one */
  replayKey?: { value: string; expiresAt: number };
  /** the listing's limit and the call's buyer ("" when unknown), when the listing has one */
  limit?: { requests: number; perSeconds: number; buyer: string };
  nowMs: number;
}

export type Admitted =
  | { ok: true; /** 0, or the seconds until the buyer's window ends: limited */ retryAfter: number }
  | { ok: false; why: "replayed" }
  | { ok: false; why: "unclaimed" | "uncounted"; error: Error };

const ADMITTED: Admitted = { ok: true, retryAfter: 0 };
const REPLAYED: Admitted = { ok: false, why: "replayed" };

export class CallAdmission {
  private readonly queue = new Coalescer<Admission, Admitted>((items) => this.flush(items));

  constructor(
    private readonly nonces: NonceStore,
    private readonly limits: BuyerLimits,
  ) {}

  /** Claims the call's signature and counts it, with the calls arriving at the same time. */
  admit(a: Admission): Promise<Admitted> {
    return a.replayKey || a.limit ? this.queue.submit(a) : Promise.resolve(ADMITTED);
  }

  private async flush(items: Admission[]): Promise<Admitted[]> {
    const out = items.map(() => ADMITTED);
    const claiming = indexes(items, (a) => a.replayKey !== undefined);
    const fresh = await stepEach(
      claiming.map((i) => ({ productId: items[i]!.productId, scope: APIG_NONCE_SCOPE, nonce: items[i]!.replayKey!.value, expiresAt: items[i]!.replayKey!.expiresAt })),
      (claims) => this.nonces.claimMany(claims),
    );
    claiming.forEach((i, k) => {
      const r = fresh[k]!;
      if (r !== true) out[i] = r === false ? REPLAYED : { ok: false, why: "unclaimed", error: r };
    });
    const counting = indexes(items, (a, i) => a.limit !== undefined && out[i]!.ok);
    const waits = await stepEach(
      counting.map((i) => ({ productId: items[i]!.productId, buyer: items[i]!.limit!.buyer, limit: items[i]!.limit!, nowMs: items[i]!.nowMs })),
      (takes) => this.limits.count(takes),
    );
    counting.forEach((i, k) => {
      const r = waits[k]!;
      out[i] = r instanceof Error ? { ok: false, why: "uncounted", error: r } : r === 0 ? ADMITTED : { ok: true, retryAfter: r };
    });
    return out;
  }
}

function indexes<T>(xs: readonly T[], keep: (x: T, i: number) => boolean): number[] {
  const out: number[] = [];
  xs.forEach((x, i) => keep(x, i) && out.push(i));
  return out;
}
