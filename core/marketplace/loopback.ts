/**
 * Plain `http://` is for a local marketplace on this machine only: the open APIs carry the seller
 * account's signature and the answers decide what a buyer gets, so anywhere else the server
 * certificate must be verified (docs/marketplace/api-image-openapi.md §1, "verify strictly").
 */
import { isIP } from "node:net";
import type { Logger } from "../logger.js";

/** True for `localhost`, 127.0.0.0/8 and ::1 (with or without the URL's brackets). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

/**
 * Checks a marketplace base URL: `https:` anywhere, `http:` only on a loopback address (logged, so it
 * is never a silent downgrade).
 * @returns the URL without a trailing `/`
 * @throws Error naming the variable and the fix otherwise
 */
export function checkMarketplaceUrl(value: string, logger: Logger, name = "the marketplace URL"): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(`${name} ${JSON.stringify(value)} is not a URL; use https://mkt.myhuaweicloud.com`);
  }
  if (u.protocol === "http:") {
    if (!isLoopbackHost(u.hostname)) {
      throw new Error(`${name} ${u.origin} is plain http on a non-loopback host; use https:// (http:// is accepted only for 127.0.0.0/8, ::1 and localhost)`);
    }
    logger.info("marketplace calls go over plain http to a loopback address (a local marketplace)", { url: u.origin });
  } else if (u.protocol !== "https:") {
    throw new Error(`${name} ${u.origin} must start with https://`);
  }
  return value.replace(/\/+$/, "");
}
