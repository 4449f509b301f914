/**
 * Where the marketplace's open APIs are and with which credentials they are called, parsed once from
 * the environment:
 *
 * | variable | default | effect |
 * |---|---|---|
 * | `KOOGATE_MARKETPLACE_URL` | `https://mkt.myhuaweicloud.com` | base URL of the open APIs (`http://` only on loopback) |
 * | `KOOGATE_MARKETPLACE_FALLBACK_URL` | `https://mkt.myhuaweicloud.cn` when the URL is the default, else none | tried when the first host cannot be reached |
 * | `KOOGATE_MARKETPLACE_AK` | none | the seller account's access key (AK/SK signing) |
 * | `KOOGATE_MARKETPLACE_SK` | none | its secret key; never logged |
 * | `KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES` | 4194304 (4 MiB) | the most bytes of an answer read; a larger one is cut and fails `ANSWER_TOO_LARGE` |
 *
 * A missing AK/SK is not an error here: only a call that needs them fails, with a message naming the
 * variables (docs/marketplace/license.md §2.3: AK/SK of the seller's *My Credentials › Access Keys*).
 */

import { SetupError } from "../errors.js";

export const DEFAULT_MARKETPLACE_URL = "https://mkt.myhuaweicloud.com";
/** "retry on https://mkt.myhuaweicloud.cn if the first domain is unavailable" (docs/marketplace/api-image-openapi.md §1) */
export const DEFAULT_FALLBACK_URL = "https://mkt.myhuaweicloud.cn";

/**
 * The most bytes of a marketplace answer read unless told: an order of a thousand lines is far below it
 * (a line is under a kilobyte), and so is a usage push's answer listing all 1000 records of its batch.
 */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export interface MarketplaceConfig {
  baseUrl: string;
  /** null: no second host */
  fallbackUrl: string | null;
  ak?: string;
  sk?: string;
  /** `KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES` */
  maxAnswerBytes: number;
}

export function loadMarketplaceConfig(env: NodeJS.ProcessEnv = process.env): MarketplaceConfig {
  const set = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const baseUrl = set("KOOGATE_MARKETPLACE_URL") ?? DEFAULT_MARKETPLACE_URL;
  // The .cn fallback belongs to the Chinese site only: a client pointed at a local marketplace or the
  // international site must not silently move to another one.
  const fallbackUrl = set("KOOGATE_MARKETPLACE_FALLBACK_URL") ?? (baseUrl === DEFAULT_MARKETPLACE_URL ? DEFAULT_FALLBACK_URL : null);
  const max = set("KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES");
  // decimal digits only: Number() would also take 0x10, 1e3 and " 5 "
  if (max !== undefined && (!/^\d{1,10}$/.test(max) || Number(max) < 1024 || Number(max) > 1024 * 1024 * 1024)) {
    throw new SetupError(`KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES must be a whole number of bytes from 1024 to 1073741824, not "${max.slice(0, 40)}"`);
  }
  return { baseUrl, fallbackUrl, ak: set("KOOGATE_MARKETPLACE_AK"), sk: set("KOOGATE_MARKETPLACE_SK"), maxAnswerBytes: max === undefined ? MAX_ANSWER_BYTES : Number(max) };
}
