/**
 * `MarketplaceClient`: the KooGallery open APIs a merchant calls (docs/marketplace/api-image-openapi.md
 * §1), one typed method each, every answer a `MarketplaceResult` (answers.ts).
 *
 * Retries: network errors, 5xx and throttling are retried with backoff; a 4xx never is. A retried
 * activation whose first answer was lost answers `92020003` (already activated, docs/marketplace/license.md §2.3): the
 * caller then queries the code instead of treating it as an error.
 */
import { createHash } from "node:crypto";
import { createLogger, type Logger } from "../logger.js";
import { usagePushBody } from "../signing/usage-push.js";
import type { JsonObject, MarketplaceResult } from "./answers.js";
import { OpenApiCaller, type CallOptions, type OpenApiCall } from "./caller.js";

export type { CallOptions };
import { DEFAULT_FALLBACK_URL, DEFAULT_MARKETPLACE_URL, MAX_ANSWER_BYTES, type MarketplaceConfig } from "../settings/marketplace.js";
import { readLicenseCodeInfo, readLicenseInfo, readOrder, readUsagePush, type LicenseCodeInfo, type LicenseInfo, type OrderInfo, type UsagePushData } from "./data.js";
import { checkMarketplaceUrl } from "./loopback.js";
import { buildMultipart, type MultipartPart } from "./multipart.js";

const PREFIX = "/api/mkp-openapi-public/global";

export interface MarketplaceClientOptions {
  /** base URL of the open APIs; default `https://mkt.myhuaweicloud.com`. `http://` only on loopback. */
  baseUrl?: string;
  /** tried when the first host cannot be reached; default `https://mkt.myhuaweicloud.cn` with the default base URL, else none */
  fallbackUrl?: string | null;
  /** the seller account's access key; needed by every call but the usage push */
  ak?: string;
  /** its secret key; never logged */
  sk?: string;
  /** default: silent */
  logger?: Logger;
  /** per request, connection included; default 10 000 ms */
  timeoutMs?: number;
  /** the most bytes of an answer read; a larger one fails `ANSWER_TOO_LARGE`; default MAX_ANSWER_BYTES (4 MiB) */
  maxAnswerBytes?: number;
  /** further attempts after a retryable failure; default 2 */
  retries?: number;
  /** backoff before the first retry, doubled each time, plus jitter; default 500 ms */
  backoffMs?: number;
  /** the signing clock; default the system clock */
  now?: () => Date;
  /** how to wait between attempts; default setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** jitter source in [0, 1); default Math.random */
  random?: () => number;
  /**
   * Told of each call's final outcome: its API (`order.query`, …) and its family (`success`, or the
   * failure's: `network`, `http`, …). The composition root passes `Metrics.marketplaceCall`; default none.
   */
  onCall?: (api: string, family: string) => void;
}

/** One usage record (docs/marketplace/saas.md §8.1); times UTC `yyyyMMdd'T'HHmmss'Z'`. */
export interface UsageRecord {
  instance_id: string;
  record_time: string;
  begin_time: string;
  end_time: string;
  /** positive, at most 4 decimals */
  usage_value: number;
  /** unique per record: the marketplace's idempotency key */
  metering_sn: string;
  /** the package instance of a "stop-when-used-up" package */
  relate_pkg_instance?: string;
}

/** One code's clients of a day: distinct client identities, or their number (docs/marketplace/license.md §2.3). */
export interface SoftwareUsage {
  license: string;
  clients: ({ id: string } | { activeNum: number })[];
}

export class MarketplaceClient {
  private readonly caller: OpenApiCaller;
  /** whether the seller's AK and SK are both set: every call but the usage push needs them */
  readonly hasAccessKeys: boolean;

  /** @throws Error when a URL is not https (or http on loopback) */
  constructor(opts: MarketplaceClientOptions = {}) {
    this.hasAccessKeys = !!opts.ak && !!opts.sk;
    const logger = opts.logger ?? createLogger({ level: "silent" });
    const baseUrl = checkMarketplaceUrl(opts.baseUrl ?? DEFAULT_MARKETPLACE_URL, logger);
    const fallback = opts.fallbackUrl === undefined ? (opts.baseUrl === undefined ? DEFAULT_FALLBACK_URL : null) : opts.fallbackUrl;
    this.caller = new OpenApiCaller({
      baseUrl,
      fallbackUrl: fallback === null ? null : checkMarketplaceUrl(fallback, logger, "the fallback marketplace URL"),
      ak: opts.ak,
      sk: opts.sk,
      logger,
      timeoutMs: opts.timeoutMs ?? 10_000,
      maxAnswerBytes: opts.maxAnswerBytes ?? MAX_ANSWER_BYTES,
      retries: opts.retries ?? 2,
      backoffMs: opts.backoffMs ?? 500,
      now: opts.now ?? (() => new Date()),
      sleep: opts.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      random: opts.random ?? Math.random,
      onCall: opts.onCall,
    });
  }

  /** A client configured by the settings' `marketplace` part (KOOGATE_MARKETPLACE_*), with `extra` on top. */
  static fromSettings(config: MarketplaceConfig, extra: Omit<MarketplaceClientOptions, "baseUrl" | "fallbackUrl" | "ak" | "sk"> = {}): MarketplaceClient {
    return new MarketplaceClient({ ...config, ...extra });
  }

  /** Query order (docs/marketplace/api-image-openapi.md §3): what was bought on an order or one order line. */
  queryOrder(q: { orderId: string; orderLineId?: string }, opts?: CallOptions): Promise<MarketplaceResult<OrderInfo>> {
    return this.run({ api: "order.query", method: "GET", path: `${PREFIX}/v1/order/query`, query: q, auth: AKSK }, readOrder, opts);
  }

  /** Activate one authorization code (docs/marketplace/license.md §2.3, v1). `realEffectTime`: UTC `yyyyMMddHHmmss`. */
  activateLicense(a: { license: string; realEffectTime?: string }, opts?: CallOptions): Promise<MarketplaceResult<LicenseCodeInfo>> {
    return this.post("license.activate", "/v1/license/activate", { license: a.license, real_effect_time: a.realEffectTime }, readLicenseCodeInfo, opts);
  }

  /** Activate up to 100 codes at once (docs/marketplace/license.md §2.3, v2); one invalid code fails all with `92020020`. */
  activateLicenses(a: { licenses: readonly string[]; realEffectTime?: string }): Promise<MarketplaceResult<null>> {
    return this.post("license.activate-batch", "/v2/license/activate", { license_list: a.licenses, real_effect_time: a.realEffectTime }, () => null);
  }

  /** Query a code's state, the former heartbeat (docs/marketplace/license.md §2.3, v1): call on the first use each day. */
  queryLicense(q: { license: string; heartbeatInfo?: { thirdPartyAccount: string; ip?: string } }, opts?: CallOptions): Promise<MarketplaceResult<LicenseInfo>> {
    return this.post("license.query", "/v1/license/heartbeat", { license: q.license, heartbeatInfo: q.heartbeatInfo }, readLicenseInfo, opts);
  }

  /** Software-usage statistics (docs/marketplace/license.md §2.3, v2), once a day. */
  reportSoftwareUsage(usage: readonly SoftwareUsage[]): Promise<MarketplaceResult<null>> {
    const usage_info = usage.map((u) => ({
      license: u.license,
      // the documented key spelling, capital I included
      software_usage_Info: u.clients.map((c) => ("id" in c ? { id: c.id } : { active_num: c.activeNum })),
    }));
    return this.post("license.software-usage", "/v2/license/software-usage-info", { usage_info }, () => null);
  }

  /** Upload a string for an online-License event (docs/marketplace/license.md §3.7). */
  uploadCharacters(u: { eventId: string; characters: string }): Promise<MarketplaceResult<null>> {
    return this.upload(u.eventId, { type: "CHARACTERS", characters: u.characters });
  }

  /** Upload a file for an online-License event (docs/marketplace/license.md §3.7), with the hex SHA-256 of its bytes. */
  uploadFile(u: { eventId: string; fileName: string; content: Buffer; contentType?: string }): Promise<MarketplaceResult<null>> {
    const sha256 = createHash("sha256").update(u.content).digest("hex");
    return this.upload(u.eventId, { type: "FILE", file_name: u.fileName, sha256 }, { ...u, contentType: u.contentType ?? "application/octet-stream" });
  }

  /**
   * Push pay-per-use usage (docs/marketplace/api-image-openapi.md §4), signed with the listing's basic-interface key.
   * Keys are sorted at every level and the body is sent exactly as signed. At most 1000 records.
   */
  pushUsage(p: { records: readonly UsageRecord[]; key: string }): Promise<MarketplaceResult<UsagePushData>> {
    const body = Buffer.from(usagePushBody({ usage_records: p.records }));
    return this.run({ api: "usage.push", method: "POST", path: `${PREFIX}/v1/isv/usage-data`, body, auth: { scheme: "usage-push", key: p.key } }, readUsagePush);
  }

  private upload(eventId: string, req: Record<string, string>, file?: { fileName: string; content: Buffer; contentType: string }) {
    const parts: MultipartPart[] = [{ name: "isvUpdateFileReq", contentType: "application/json", content: Buffer.from(JSON.stringify(req)) }];
    if (file) parts.push({ name: "file", filename: file.fileName, contentType: file.contentType, content: file.content });
    const mp = buildMultipart(parts);
    const path = `${PREFIX}/v1/market-event/${encodeURIComponent(eventId)}/file`;
    return this.run({ api: "event.upload", method: "POST", path, body: mp.bytes, contentType: mp.contentType, auth: AKSK }, () => null);
  }

  private post<T>(api: string, path: string, body: object, read: (b: JsonObject) => T, opts?: CallOptions) {
    return this.run({ api, method: "POST", path: PREFIX + path, body: Buffer.from(JSON.stringify(body)), auth: AKSK }, read, opts);
  }

  private async run<T>(c: OpenApiCall, read: (b: JsonObject) => T, opts?: CallOptions): Promise<MarketplaceResult<T>> {
    const r = await this.caller.call(c, opts);
    if (!r.ok) return r;
    return { ok: true, data: read(r.body), code: r.code, status: r.status, attempts: r.attempts };
  }
}

const AKSK = { scheme: "aksk" } as const;
