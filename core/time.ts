/**
 * Parses a marketplace `yyyyMMddHHmmss` time as UTC (docs/marketplace/saas.md §4.3, §9: 1.0 times are UTC; the 2.0 zone
 * is UNCONFIRMED, §11.13, and UTC is the reading consistent with 1.0), on a 24-hour clock. The 17-digit
 * form with milliseconds (`yyyyMMddHHmmssSSS`) is tolerated. Returns null for anything that is not a
 * real calendar time (month 13, February 30, hour 24 …).
 */
export function parseMarketplaceTime(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) as number[];
  const t = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, ms!);
  const date = new Date(t);
  const same =
    date.getUTCFullYear() === y && date.getUTCMonth() === mo! - 1 && date.getUTCDate() === d &&
    date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
  return same ? date : null;
}

/** Formats a time as the marketplace writes it: UTC `yyyyMMddHHmmss`. */
export function formatMarketplaceTime(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}
