/**
 * Which of two orders of one code is the newer, so that out-of-order deliveries (a failed renewal
 * retried after a later one, docs/marketplace/license.md §2.2: 60 attempts over two hours) end in the newest order's
 * state.
 *
 * UNCONFIRMED (docs/marketplace/license.md §2.2 gives no order time): KooGallery order IDs read `CS` + yyMMddHHmm + five
 * characters in every documented example (`CS2305231930ABCDE`, `CS2211181819B4LVS`), so an ID of that
 * form ranks by its minute (UTC assumed). An ID of any other form, or two orders of one minute, rank by
 * the first arrival here — the most compatible reading: a later order is then the one that came later.
 */
export function orderRank(orderId: string, arrivedAtMs: number): number {
  const m = /^CS(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(orderId);
  if (!m) return arrivedAtMs;
  const [yy, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const t = Date.UTC(2000 + yy, mo - 1, d, h, mi);
  const date = new Date(t);
  const real = date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && date.getUTCHours() === h && date.getUTCMinutes() === mi;
  // an order cannot be placed after it arrives: a "date" in the future is not one
  return real && t <= arrivedAtMs + 86_400_000 ? t : arrivedAtMs;
}

/** Whether an order of rank `incoming` supersedes the applied one (`applied` null: none applied yet). */
export function isNewer(incoming: number, applied: number | null): boolean {
  return applied === null || incoming >= applied;
}
