/**
 * Software-usage reports of the relay (docs/marketplace/license.md §2.3): kept per UTC day, one row per (code, client),
 * sealed (a code is a credential, a client id names a customer's user or device), and sent once a day
 * after the day ends with the software-usage statistics API — at most 100 codes per call, each with at
 * most `clientsPerCodePerDay` (≤ 100) clients — through the outbox, so a failed send is retried and a
 * sent chunk is never sent again.
 */
import { createHash } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { openAtRest, sealAtRest } from "../../../crypto/at-rest.js";
import { MarketplaceClient, type SoftwareUsage } from "../../../marketplace/client.js";
import type { JobHandler } from "../../../outbox/handlers.js";
import { Outbox } from "../../../outbox/outbox.js";
import { DATABASE, type Knex } from "../../../tokens.js";
import { codeDigest } from "../codes.js";
import type { LicenseProduct } from "../product.js";
import { RelayWindowStore } from "./windows.js";

export const USAGE_TABLE = "koogate_license_usage";
export const USAGE_JOB = "reportSoftwareUsage";
const ACTIVE = "#active";
/** codes per call (docs/marketplace/license.md §2.3: usage_info ≤ 100) */
const CODES_PER_CALL = 100;
/** how many days sent reports are kept */
const KEEP_DAYS = 8;

/** UTC yyyymmdd of a time. */
export const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, "");

/** When a day's report is sent: five minutes after it ends (UTC). */
export function sendAt(day: string): number {
  return Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)) + 1, 0, 5);
}

export type UsageReport = { id: string } | { activeNum: number };

export type Recorded = "recorded" | "full";

/** Thrown inside the recording transaction to undo it: the code's clients of the day are counted already. */
class Full extends Error {}

@injectable()
export class RelayUsage {
  /**
   * the last day whose send job this process has queued, per product (saves a statement per report);
   * one entry per listing, not one per day: a report of another day queues again, and the outbox's
   * dedupe key keeps that day's job single
   */
  private readonly queued = new Map<string, string>();

  constructor(
    @inject(DATABASE) private readonly db: Knex,
    private readonly outbox: Outbox,
    private readonly marketplace: MarketplaceClient,
    private readonly windows: RelayWindowStore,
  ) {}

  /**
   * Records one report of `day`; "full" when the code already counts `limit` distinct clients that day.
   *
   * The cap holds under any concurrency and across processes (issue 24, finding 4): a new client's row
   * and the day's count of the code (a `clients` window, ./windows.ts) are written in one transaction,
   * which is undone when the count passes `limit`. The count's upsert holds its row until the commit,
   * so concurrent reports of one code are counted one after the other on PostgreSQL as on SQLite.
   *
   * `activeNum` only rises within a day: a report lower than the stored one changes nothing. The day's
   * active clients can only have grown since an earlier report, and anyone holding the code may report,
   * so a "latest wins" total would let one stray or hostile report erase the day's figure.
   */
  async record(p: LicenseProduct, code: string, report: UsageReport, day: string, nowMs: number, limit: number): Promise<Recorded> {
    const key = p.keys.license[0]!;
    const base = { product_id: p.id, day, code_digest: codeDigest(code), code_sealed: sealAtRest(code, key), sent: false, created_at: nowMs };
    const conflict = ["product_id", "day", "code_digest", "client_digest"];
    if ("activeNum" in report) {
      await this.db(USAGE_TABLE).insert({ ...base, client_digest: ACTIVE, client_sealed: null, active_num: report.activeNum }).onConflict(conflict).ignore();
      await this.db(USAGE_TABLE)
        .where({ product_id: p.id, day, code_digest: base.code_digest, client_digest: ACTIVE })
        .andWhere("active_num", "<", report.activeNum)
        .update({ active_num: report.activeNum, sent: false });
    } else {
      const client = { ...base, client_digest: createHash("sha256").update(report.id, "utf8").digest("hex"), client_sealed: sealAtRest(report.id, key), active_num: null };
      const dayStart = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8)));
      try {
        await this.db.transaction(async (trx) => {
          const added = await trx(USAGE_TABLE).insert(client).onConflict(conflict).ignore().returning("client_digest");
          if (added.length === 0) return; // a client already counted that day
          const counted = await this.windows.hit("clients", p.id, base.code_digest, { start: dayStart, expiresAt: sendAt(day) + 2 * 86_400_000 }, nowMs, trx);
          if (counted > limit) throw new Full();
        });
      } catch (e) {
        if (e instanceof Full) return "full";
        throw e;
      }
    }
    await this.queueSend(p, day);
    return "recorded";
  }

  private async queueSend(p: LicenseProduct, day: string): Promise<void> {
    if (this.queued.get(p.id) === day) return;
    await this.outbox.enqueue({ productId: p.id, activity: USAGE_JOB, instanceId: day, payload: day, test: false, dedupeKey: `usage:${day}`, runAt: sendAt(day) });
    this.queued.set(p.id, day);
  }

  /** The daily send job. */
  handler(): JobHandler<LicenseProduct, unknown> {
    return {
      policy: () => ({ maxAttempts: 48, retryBaseMs: 60_000, attemptTimeoutMs: 120_000 }),
      run: (s, job) => this.send(s.product, job.payload),
    };
  }

  /** Sends the unsent reports of `day`, chunk by chunk; each chunk is marked sent once the marketplace took it. */
  private async send(p: LicenseProduct, day: string): Promise<void> {
    const rows: Array<Record<string, unknown>> = await this.db(USAGE_TABLE).where({ product_id: p.id, day, sent: false });
    const byCode = new Map<string, { license: string; clients: SoftwareUsage["clients"] }>();
    for (const r of rows) {
      const digest = String(r.code_digest);
      const entry = byCode.get(digest) ?? { license: openAtRest(String(r.code_sealed), p.keys.license), clients: [] };
      entry.clients.push(r.client_digest === ACTIVE ? { activeNum: Number(r.active_num) } : { id: openAtRest(String(r.client_sealed), p.keys.license) });
      byCode.set(digest, entry);
    }
    const digests = [...byCode.keys()];
    for (let i = 0; i < digests.length; i += CODES_PER_CALL) {
      const chunk = digests.slice(i, i + CODES_PER_CALL);
      const r = await this.marketplace.reportSoftwareUsage(chunk.map((d) => byCode.get(d)!));
      if (!r.ok) throw new Error(`the marketplace refused the usage report: ${r.code} (${r.kind}) ${r.message}`);
      await this.db(USAGE_TABLE).where({ product_id: p.id, day, sent: false }).whereIn("code_digest", chunk).update({ sent: true });
    }
    // sent reports are kept a week (to answer "what did we report?"), then dropped: storage stays bounded
    await this.db(USAGE_TABLE).where({ product_id: p.id, sent: true }).andWhere("day", "<", utcDay(sendAt(day) - KEEP_DAYS * 86_400_000)).del();
  }
}
