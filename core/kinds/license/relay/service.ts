/**
 * The licence relay (variant code): the three calls KooGallery expects the merchant's installed software
 * to make with the seller's AK/SK (docs/marketplace/license.md §2.3: activate, query on the first use each day, daily
 * usage) served for the software, so the AK/SK never leave the merchant's server.
 *
 *   POST /licenses/<id>/activate {"license":"…"}                     → status and expiry (activating once)
 *   POST /licenses/<id>/check    {"license":"…"}                     → status and expiry, cached for the UTC day
 *   POST /licenses/<id>/usage    {"license":"…","id":"…"} | {"license":"…","activeNum":n} → recorded for the day's report
 *
 * A code is its own credential: an answer only ever describes the code sent. Requests are limited per
 * client address and per code; malformed input is answered 400 with a short JSON error.
 */
import { inject, injectable } from "tsyringe";
import { MarketplaceClient } from "../../../marketplace/client.js";
import type { LicenseInfo } from "../../../marketplace/data.js";
import type { HttpAnswer, HttpCall } from "../../../serving/http.js";
import { formatMarketplaceTime, parseMarketplaceTime } from "../../../time.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../../../tokens.js";
import { codeDigest, codeRef, LicenseCodeStore, type CodeChanges } from "../codes.js";
import type { ServedLicense } from "../context.js";
import { failureAnswer, json, relayError } from "./answers.js";
import { RateLimiter } from "./limits.js";
import { RelayUsage, utcDay, type UsageReport } from "./usage.js";

export const RELAY_ACTIONS = ["activate", "check", "usage"] as const;
type Action = (typeof RELAY_ACTIONS)[number];

/** The relay's requests are small: anything larger is not one. */
const MAX_BODY = 2048;
const CODE = /^[\x21-\x7e]{1,64}$/;

type Parsed = { code: string; report?: UsageReport };

@injectable()
export class LicenseRelay {
  private readonly limits = new RateLimiter();
  /** marketplace queries in flight per code: concurrent checks of one code make one call */
  private readonly inFlight = new Map<string, Promise<HttpAnswer>>();

  constructor(
    private readonly codes: LicenseCodeStore,
    private readonly usage: RelayUsage,
    private readonly marketplace: MarketplaceClient,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Serves one relay call; never throws. */
  async serve(served: ServedLicense, call: HttpCall): Promise<HttpAnswer> {
    const action = call.params.action as Action;
    if (!(RELAY_ACTIONS as readonly string[]).includes(action)) return relayError(404, "unknown relay call: activate, check or usage");
    const p = served.product;
    const now = this.clock.now();
    const address = `a:${p.id}:${call.clientAddress}`;
    if (!this.limits.take(address, p.relay.perAddressPerMinute, now)) return relayError(429, "too many requests", { "Retry-After": String(this.limits.retryAfter(address, now)) });
    const raw = await call.body();
    const parsed = raw.oversize || raw.bytes.length > MAX_BODY ? "the body is too large" : parse(raw.bytes, action);
    if (typeof parsed === "string") return relayError(400, parsed);
    const codeKey = `c:${p.id}:${codeDigest(parsed.code)}`;
    if (!this.limits.take(codeKey, p.relay.perCodePerMinute, now)) return relayError(429, "too many requests for this code", { "Retry-After": String(this.limits.retryAfter(codeKey, now)) });
    try {
      switch (action) {
        case "activate":
          return await this.activate(served, parsed.code, now);
        case "check":
          return await this.check(served, parsed.code, now);
        case "usage":
          return await this.report(served, parsed.code, parsed.report!, now);
      }
    } catch (err) {
      this.logger.error("relay call failed", { product: p.id, action, code: codeRef(parsed.code), error: err instanceof Error ? err.message : String(err) });
      return relayError(500, "internal error");
    }
  }

  /** Activates once; an already activated code answers its current status (queried), not an error. */
  private async activate(served: ServedLicense, code: string, now: number): Promise<HttpAnswer> {
    const p = served.product;
    const r = await this.marketplace.activateLicense({ license: code });
    if (r.ok) {
      this.logger.info("code activated through the relay", { product: p.id, code: codeRef(code) });
      await this.store(served, code, now, { marketplaceStatus: r.data.status ?? "ALIVE", expireAt: timeOf(r.data.expireTime), activatedAt: now, checkedOn: null, updatedAt: now });
      return json(200, { status: r.data.status ?? "ALIVE", expireTime: r.data.expireTime ?? null, activated: true });
    }
    // 92020003: activated before (by this relay, a lost answer, or elsewhere): what state is it in now?
    if (r.kind === "illegal-state") return this.query(served, code, now, false);
    return this.failed(p.id, "activate", code, r);
  }

  /**
   * One marketplace query per code per UTC day; later checks that day are answered from the row.
   * Concurrent checks of one code share one look-up, from reading the row to storing the answer: a
   * check that read the row before another's query stored it would otherwise query again.
   */
  private check(served: ServedLicense, code: string, now: number): Promise<HttpAnswer> {
    const key = `${served.product.id}:${codeDigest(code)}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const q = this.checkOnce(served, code, now).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, q);
    return q;
  }

  private async checkOnce(served: ServedLicense, code: string, now: number): Promise<HttpAnswer> {
    const row = await this.codes.get(served.product.id, code);
    if (row?.checkedOn === utcDay(now) && row.marketplaceStatus) {
      return json(200, { status: row.marketplaceStatus, expireTime: row.expireAt === null ? null : stamp(row.expireAt) });
    }
    return this.query(served, code, now, undefined);
  }

  private async query(served: ServedLicense, code: string, now: number, activated: boolean | undefined): Promise<HttpAnswer> {
    const r = await this.marketplace.queryLicense({ license: code });
    if (!r.ok) return this.failed(served.product.id, "check", code, r);
    const info: LicenseInfo = r.data;
    await this.store(served, code, now, {
      marketplaceStatus: info.status ?? null,
      expireAt: timeOf(info.expireTime),
      activatedAt: timeOf(info.activateTime) ?? undefined,
      checkedOn: utcDay(now),
      lastQueryAt: now,
      updatedAt: now,
    });
    return json(200, { status: info.status ?? null, expireTime: info.expireTime ?? null, ...(activated === undefined ? {} : { activated }) });
  }

  /** Records a usage report of a code the relay knows (activated or checked here). */
  private async report(served: ServedLicense, code: string, report: UsageReport, now: number): Promise<HttpAnswer> {
    const p = served.product;
    const row = await this.codes.get(p.id, code);
    if (!row || (row.activatedAt === null && row.marketplaceStatus === null)) return relayError(404, "unknown code: activate or check it through this service first");
    const day = utcDay(now);
    const done = await this.usage.record(p, code, report, day, now, p.relay.clientsPerCodePerDay);
    if (done === "full") return relayError(429, `at most ${p.relay.clientsPerCodePerDay} clients are counted per code and day`);
    return json(202, { recorded: true, day });
  }

  /** The code's row, created on first contact, with `changes`. */
  private async store(served: ServedLicense, code: string, now: number, changes: CodeChanges): Promise<void> {
    const p = served.product;
    await this.codes.db.transaction(async (trx) => {
      await this.codes.ensure(p.id, code, false, now, trx);
      await this.codes.update(p.id, code, changes, trx);
    });
  }

  private failed(productId: string, action: string, code: string, r: Parameters<typeof failureAnswer>[0]): HttpAnswer {
    this.logger.warn("the marketplace refused a relay call", { product: productId, action, code: codeRef(code), marketplaceCode: r.code, kind: r.kind, attempts: r.attempts });
    return failureAnswer(r);
  }
}

/** The body of a relay call, or why it is not one. */
function parse(bytes: Buffer, action: Action): Parsed | string {
  let o: unknown;
  try {
    o = JSON.parse(bytes.toString("utf8"));
  } catch {
    return "the body is not JSON";
  }
  if (!o || typeof o !== "object" || Array.isArray(o)) return "the body is not a JSON object";
  const b = o as Record<string, unknown>;
  if (typeof b.license !== "string" || !CODE.test(b.license)) return "license must be the authorization code (1 to 64 printable characters)";
  if (action !== "usage") return { code: b.license };
  const hasId = b.id !== undefined;
  const hasNum = b.activeNum !== undefined;
  if (hasId === hasNum) return "send exactly one of id and activeNum";
  if (hasId) {
    if (typeof b.id !== "string" || b.id.length === 0 || b.id.length > 256 || b.id.includes("\u0000")) return "id must be a client identity of 1 to 256 characters";
    return { code: b.license, report: { id: b.id } };
  }
  if (typeof b.activeNum !== "number" || !Number.isInteger(b.activeNum) || b.activeNum < 0 || b.activeNum > 999_999_999) return "activeNum must be a whole number from 0 to 999999999";
  return { code: b.license, report: { activeNum: b.activeNum } };
}

function timeOf(text: string | undefined): number | null {
  return text ? (parseMarketplaceTime(text)?.getTime() ?? null) : null;
}

function stamp(ms: number): string {
  return formatMarketplaceTime(new Date(ms));
}
