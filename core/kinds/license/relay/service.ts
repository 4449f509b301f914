/**
 * The licence relay (variant code): the three calls KooGallery expects the merchant's installed software
 * to make with the seller's AK/SK (docs/marketplace/license.md §2.3: activate, query on the first use each day, daily
 * usage) served for the software, so the AK/SK never leave the merchant's server.
 *
 *   POST /licenses/<id>/activate {"license":"…"}                     → status and expiry (activating once)
 *   POST /licenses/<id>/check    {"license":"…"}                     → status and expiry, cached for the UTC day
 *   POST /licenses/<id>/usage    {"license":"…","id":"…"} | {"license":"…","activeNum":n} → recorded for the day's report
 *
 * A code is its own credential: an answer only ever describes the code sent, and unlocks only a code
 * bought for this listing (its product, and SKU where the listing names some: ./product-match.ts); the
 * answer names them so the software can check too. A code the production interface froze or released is
 * answered so at once (./local-state.ts). Requests are limited per client address and per code in every
 * process together (./limits.ts); codes the listing has not seen cost a marketplace call each, so they
 * have their own budget per listing, and one the marketplace does not know is remembered for ten
 * minutes. Every answer comes within the relay's budget: its marketplace calls share RELAY_BUDGET_MS.
 * Malformed input is answered 400 with a short JSON error.
 */
import { inject, injectable } from "tsyringe";
import type { MarketplaceFailure } from "../../../marketplace/answers.js";
import { MarketplaceClient } from "../../../marketplace/client.js";
import type { HttpAnswer, HttpCall } from "../../../serving/http.js";
import { formatMarketplaceTime, parseMarketplaceTime } from "../../../time.js";
import { CLOCK, LOGGER, type Clock, type Logger } from "../../../tokens.js";
import { codeDigest, codeRef, LicenseCodeStore, type CodeChanges, type CodeRow } from "../codes.js";
import type { ServedLicense } from "../context.js";
import type { LicenseProduct } from "../product.js";
import { failureAnswer, json, productRefusal, relayError } from "./answers.js";
import { RelayLimits, type Taken } from "./limits.js";
import { localStatus, type LocalStatus } from "./local-state.js";
import { matchProduct } from "./product-match.js";
import { MAX_BODY, parse, RELAY_ACTIONS, type Action } from "./request.js";
import { RelayUsage, utcDay, type UsageReport } from "./usage.js";
import { CodeReads } from "./code-reads.js";
import { RelayWindowStore } from "./windows.js";


/**
 * What the marketplace calls of one relay request may take together, retries included: the software
 * is answered within about this (plus a few statements), never after the 10-s timeouts and backoff of
 * a slow marketplace (issue 24, finding 15).
 */
export const RELAY_BUDGET_MS = 4000;
/** How long a code the marketplace does not know is answered 404 without asking again. */
export const MISS_MS = 10 * 60_000;

/** Time left of one relay request's budget. */
type Left = () => number;

/** The code as the marketplace answered it, before it is stored and compared with the listing. */
interface Heard {
  status: string | null;
  expireAt: number | null;
  productId: string | undefined;
  skuCode: string | undefined;
  orderId: string | undefined;
}

@injectable()
export class LicenseRelay {
  /** marketplace queries in flight per code: concurrent checks of one code make one call */
  private readonly inFlight = new Map<string, Promise<HttpAnswer>>();
  /** the code rows of calls that arrive together, read in one statement (./code-reads.ts) */
  private readonly rows: CodeReads;

  constructor(
    private readonly codes: LicenseCodeStore,
    private readonly usage: RelayUsage,
    private readonly limits: RelayLimits,
    private readonly windows: RelayWindowStore,
    private readonly marketplace: MarketplaceClient,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {
    this.rows = new CodeReads(codes);
  }

  /** Serves one relay call; never throws. */
  async serve(served: ServedLicense, call: HttpCall): Promise<HttpAnswer> {
    const action = call.params.action as Action;
    if (!(RELAY_ACTIONS as readonly string[]).includes(action)) return relayError(404, "unknown relay call: activate, check or usage");
    const p = served.product;
    let code: string | undefined;
    try {
      const until = performance.now() + RELAY_BUDGET_MS;
      const left: Left = () => until - performance.now();
      const byAddress = await this.limits.take("address", p.id, call.clientAddress, p.relay.perAddressPerMinute);
      if (!byAddress.ok) return limited("too many requests", byAddress);
      const raw = await call.body();
      const parsed = raw.oversize || raw.bytes.length > MAX_BODY ? "the body is too large" : parse(raw.bytes, action);
      if (typeof parsed === "string") return relayError(400, parsed);
      code = parsed.code;
      const digest = codeDigest(code);
      const byCode = await this.limits.take("code", p.id, digest, p.relay.perCodePerMinute);
      if (!byCode.ok) return limited("too many requests for this code", byCode);
      const now = this.clock.now();
      switch (action) {
        case "activate":
          return await this.activate(served, code, digest, now, left);
        case "check":
          return await this.check(served, code, digest, now, left);
        case "usage":
          return await this.report(served, code, digest, parsed.report!, now);
      }
    } catch (err) {
      this.logger.error("relay call failed", { product: p.id, action, code: code === undefined ? undefined : codeRef(code), error: err instanceof Error ? err.message : String(err) });
      return relayError(500, "internal error");
    }
  }

  /** Activates once; an already activated code answers its current status (queried), not an error. */
  private async activate(served: ServedLicense, code: string, digest: string, now: number, left: Left): Promise<HttpAnswer> {
    const p = served.product;
    const row = await this.rows.get(p.id, digest);
    const local = localStatus(row);
    if (local) return stopped(row!, local, false);
    const unseen = row ? null : await this.admitUnseen(p, digest, now);
    if (unseen) return unseen;
    const r = await this.marketplace.activateLicense({ license: code }, { budgetMs: left() });
    if (r.ok) {
      this.logger.info("code activated through the relay", { product: p.id, code: codeRef(code), marketplaceProduct: r.data.productId });
      const heard = { status: r.data.status ?? "ALIVE", expireAt: timeOf(r.data.expireTime), productId: r.data.productId, skuCode: undefined, orderId: r.data.orderId };
      return this.answer(served, code, heard, { activatedAt: now, checkedOn: null }, left, true);
    }
    // 92020003: activated before (by this relay, a lost answer, or elsewhere): what state is it in now?
    if (r.kind === "illegal-state") return this.query(served, code, row, now, left, false);
    return this.failed(p, "activate", code, r, now);
  }

  /**
   * One marketplace query per code per UTC day; later checks that day are answered from the row.
   * Concurrent checks of one code share one look-up, from reading the row to storing the answer: a
   * check that read the row before another's query stored it would otherwise query again.
   */
  private check(served: ServedLicense, code: string, digest: string, now: number, left: Left): Promise<HttpAnswer> {
    const key = `${served.product.id}:${digest}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const q = this.checkOnce(served, code, digest, now, left).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, q);
    return q;
  }

  private async checkOnce(served: ServedLicense, code: string, digest: string, now: number, left: Left): Promise<HttpAnswer> {
    const p = served.product;
    const row = await this.rows.get(p.id, digest);
    const local = localStatus(row);
    if (local) return stopped(row!, local, undefined);
    if (row?.checkedOn === utcDay(now) && row.marketplaceStatus) {
      const heard = { status: row.marketplaceStatus, expireAt: row.expireAt, productId: undefined, skuCode: undefined, orderId: undefined };
      return this.answer(served, code, heard, null, left, undefined, row);
    }
    const unseen = row ? null : await this.admitUnseen(p, digest, now);
    if (unseen) return unseen;
    return this.query(served, code, row, now, left, undefined);
  }

  private async query(served: ServedLicense, code: string, row: CodeRow | undefined, now: number, left: Left, activated: boolean | undefined): Promise<HttpAnswer> {
    const r = await this.marketplace.queryLicense({ license: code }, { budgetMs: left() });
    if (!r.ok) return this.failed(served.product, "check", code, r, now);
    const info = r.data;
    const heard = { status: info.status ?? null, expireAt: timeOf(info.expireTime), productId: info.productId, skuCode: info.skuCode, orderId: undefined };
    return this.answer(served, code, heard, { activatedAt: timeOf(info.activateTime) ?? undefined, checkedOn: utcDay(now), lastQueryAt: now }, left, activated, row);
  }

  /**
   * Stores what the marketplace said of the code (`changes`; none when answering from the row), learns
   * its SKU from the purchase order when the listing names SKUs, and answers it — only when it was
   * bought for this listing (finding 1).
   */
  private async answer(served: ServedLicense, code: string, heard: Heard, changes: Omit<CodeChanges, "updatedAt"> | null, left: Left, activated: boolean | undefined, row?: CodeRow): Promise<HttpAnswer> {
    const p = served.product;
    const now = this.clock.now();
    const productId = heard.productId ?? row?.marketplaceProductId ?? null;
    let skuCode = heard.skuCode ?? row?.skuCode ?? null;
    const orderId = heard.orderId ?? row?.purchaseOrderId ?? null;
    if (changes) {
      await this.store(served, code, now, {
        ...changes,
        marketplaceStatus: heard.status,
        expireAt: heard.expireAt,
        ...(productId === null ? {} : { marketplaceProductId: productId }),
        ...(heard.skuCode === undefined ? {} : { skuCode: heard.skuCode }),
        ...(heard.orderId === undefined ? {} : { purchaseOrderId: heard.orderId }),
        updatedAt: now,
      });
    }
    // the order is read only for a code of one of the listing's products whose SKU is not known yet
    if (p.relay.skuCodes.length > 0 && skuCode === null && productId !== null && p.relay.productIds.includes(productId) && orderId !== null) {
      const sku = await this.skuOf(p, code, orderId, productId, left, now);
      if (typeof sku !== "string") return sku;
      skuCode = sku;
    }
    const verdict = matchProduct(p.relay, { productId, skuCode });
    if (!verdict.ok) {
      this.logger.warn("the relay refused a code not bought for this listing", { product: p.id, code: codeRef(code), marketplaceProduct: productId, sku: skuCode, why: verdict.why });
      return productRefusal(verdict.why);
    }
    return json(200, {
      status: heard.status,
      expireTime: heard.expireAt === null ? null : stamp(heard.expireAt),
      productId,
      skuCode,
      ...(activated === undefined ? {} : { activated }),
    });
  }

  /** The SKU of `productId` on the purchase order (stored once read); an answer when it cannot be read now. */
  private async skuOf(p: LicenseProduct, code: string, orderId: string, productId: string, left: Left, now: number): Promise<string | HttpAnswer> {
    const r = await this.marketplace.queryOrder({ orderId }, { budgetMs: Math.max(1, left()) });
    if (!r.ok) return this.failed(p, "order", code, r, now);
    const skus = new Set(r.data.orderLine.flatMap((l) => l.productInfo.filter((i) => i.productId === productId && i.skuCode).map((i) => i.skuCode!)));
    // one SKU of the product on the order is the code's; several cannot be told apart (unconfirmed)
    if (skus.size !== 1) return productRefusal("unconfirmed");
    const sku = [...skus][0]!;
    await this.codes.update(p.id, code, { skuCode: sku, updatedAt: now });
    return sku;
  }

  /**
   * A code this listing has not seen costs a marketplace call signed with the seller's keys, so a
   * guesser could turn the relay into an oracle (finding 3): one the marketplace said it does not know
   * is answered 404 for MISS_MS, and the others share `unknownCodesPerMinute` per listing.
   */
  private async admitUnseen(p: LicenseProduct, digest: string, now: number): Promise<HttpAnswer | null> {
    if (await this.windows.marked("miss", p.id, digest, now)) return relayError(404, "unknown code");
    const taken = await this.limits.take("unknown", p.id, "", p.relay.unknownCodesPerMinute);
    return taken.ok ? null : limited("too many codes this service has not seen yet; try again later", taken);
  }

  /** Records a usage report of a code the relay knows (activated or checked here) and that this listing sells. */
  private async report(served: ServedLicense, code: string, digest: string, report: UsageReport, now: number): Promise<HttpAnswer> {
    const p = served.product;
    const row = await this.rows.get(p.id, digest);
    if (!row || (row.activatedAt === null && row.marketplaceStatus === null)) return relayError(404, "unknown code: activate or check it through this service first");
    const local = localStatus(row);
    if (local) return relayError(403, `the code is ${local === "FROZEN" ? "frozen" : "released"}`);
    const verdict = matchProduct(p.relay, { productId: row.marketplaceProductId, skuCode: row.skuCode });
    if (!verdict.ok) return productRefusal(verdict.why);
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

  private async failed(p: LicenseProduct, action: string, code: string, r: MarketplaceFailure & { attempts?: number }, now: number): Promise<HttpAnswer> {
    this.logger.warn("the marketplace refused a relay call", { product: p.id, action, code: codeRef(code), marketplaceCode: r.code, kind: r.kind, attempts: r.attempts });
    if (r.kind === "not-found") await this.windows.mark("miss", p.id, codeDigest(code), now + MISS_MS);
    return failureAnswer(r);
  }
}

/** A code the production interface stopped, answered from the row (./local-state.ts). */
function stopped(row: CodeRow, status: LocalStatus, activated: boolean | undefined): HttpAnswer {
  return json(200, {
    status,
    expireTime: row.expireAt === null ? null : stamp(row.expireAt),
    productId: row.marketplaceProductId,
    skuCode: row.skuCode,
    ...(activated === undefined ? {} : { activated }),
  });
}

function limited(error: string, t: Taken): HttpAnswer {
  return relayError(429, error, { "Retry-After": String(t.ok ? 1 : t.retryAfter) });
}

function timeOf(text: string | undefined): number | null {
  return text ? (parseMarketplaceTime(text)?.getTime() ?? null) : null;
}

function stamp(ms: number): string {
  return formatMarketplaceTime(new Date(ms));
}
