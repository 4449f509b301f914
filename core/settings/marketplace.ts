/**
 * Where the marketplace's open APIs are and with which credentials they are called
 * (`KOOGATE_MARKETPLACE_*`, core/settings/table.ts), read by the settings module.
 *
 * A missing AK/SK is not an error here: only a call that needs them fails, with a message naming the
 * variables (docs/marketplace/license.md §2.3: AK/SK of the seller's *My Credentials › Access Keys*).
 */

import type { SettingsReader } from "./reader.js";
import { settingRow } from "./table.js";

export const DEFAULT_MARKETPLACE_URL = settingRow("KOOGATE_MARKETPLACE_URL").default as string;
/** "retry on https://mkt.myhuaweicloud.cn if the first domain is unavailable" (docs/marketplace/api-image-openapi.md §1) */
export const DEFAULT_FALLBACK_URL = "https://mkt.myhuaweicloud.cn";

/**
 * The most bytes of a marketplace answer read unless told: an order of a thousand lines is far below it
 * (a line is under a kilobyte), and so is a usage push's answer listing all 1000 records of its batch.
 */
export const MAX_ANSWER_BYTES = settingRow("KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES").default as number;

export interface MarketplaceConfig {
  baseUrl: string;
  /** null: no second host */
  fallbackUrl: string | null;
  ak?: string;
  sk?: string;
  /** `KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES` */
  maxAnswerBytes: number;
}

export function readMarketplaceSettings(r: SettingsReader): MarketplaceConfig {
  const baseUrl = r.text("KOOGATE_MARKETPLACE_URL") ?? DEFAULT_MARKETPLACE_URL;
  // The .cn fallback belongs to the Chinese site only: a client pointed at a local marketplace or the
  // international site must not silently move to another one.
  const fallbackUrl = r.text("KOOGATE_MARKETPLACE_FALLBACK_URL") ?? (baseUrl === DEFAULT_MARKETPLACE_URL ? DEFAULT_FALLBACK_URL : null);
  return { baseUrl, fallbackUrl, ak: r.text("KOOGATE_MARKETPLACE_AK"), sk: r.text("KOOGATE_MARKETPLACE_SK"), maxAnswerBytes: r.whole("KOOGATE_MARKETPLACE_MAX_ANSWER_BYTES") };
}
