/**
 * Usage in real time for queryInstance (docs/marketplace/saas.md §4.2, license.md §3: "on-demand
 * products also return the buyer's current usage in real time", and a package's usage). The adapter's
 * `currentUsage()` hook is asked for every instance at once, with its own budget inside the deadline;
 * an instance whose answer is absent, late or a throw gets the usage recorded so far instead. Each
 * entry says which it is (`source`).
 *
 * UNCONFIRMED (docs/marketplace/saas.md §4.2) field names: `usageInfo[]` items with `usageValue` and
 * `statisticalTime` as one third-party implementation answers; koogate adds `remainingValue` for a
 * package and `source` (`realtime` or `recorded`), which a reader of the known fields ignores.
 */
import { describeError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { PurchaseTerms } from "../lifecycle/terms.js";
import type { Metered } from "./definition.js";
import { hasCurrentUsageHook, type CurrentUsage, type UsageHookContext } from "./hook.js";
import { usageTime } from "./record.js";

/** One instance's usageInfo item, as answered. */
export interface UsageInfo {
  usageValue: number;
  statisticalTime: string;
  remainingValue?: number;
  source: "realtime" | "recorded";
}

export interface UsageAsk {
  instanceId: string;
  /** what was bought: a package's size is its `amount` when the hook does not say what is left */
  terms?: PurchaseTerms;
}

/** Rounded to the 4 decimals usage is recorded in. */
const four = (x: number) => Math.round(x * 10_000) / 10_000;

function readHook(answer: CurrentUsage | number | null | undefined): CurrentUsage | undefined {
  if (answer === null || answer === undefined) return undefined;
  const u = typeof answer === "number" ? { usageValue: answer } : answer;
  if (typeof u.usageValue !== "number" || !Number.isFinite(u.usageValue) || u.usageValue < 0) return undefined;
  if (u.remaining !== undefined && (typeof u.remaining !== "number" || !Number.isFinite(u.remaining) || u.remaining < 0)) return { usageValue: u.usageValue };
  return u;
}

/**
 * The usageInfo item of each instance in `asks`: the hook's answer within `product.metering.realtimeBudgetMs`,
 * else what `recorded` holds (the sum of recorded windows; 0 before the first).
 */
export async function usageNow(
  product: Metered,
  adapter: unknown,
  asks: readonly UsageAsk[],
  recorded: ReadonlyMap<string, { total: number; lastEnd: number }>,
  ctx: { logger: Logger; test: boolean; options: Record<string, unknown>; nowMs: number },
): Promise<Map<string, UsageInfo>> {
  const live = new Map<string, CurrentUsage>();
  if (hasCurrentUsageHook(adapter) && asks.length > 0) {
    const hookCtx: UsageHookContext = { product: { id: product.id, name: product.name }, options: ctx.options, logger: ctx.logger, test: ctx.test };
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((r) => (timer = setTimeout(() => r("late"), product.metering.realtimeBudgetMs)));
    await Promise.all(
      asks.map(async ({ instanceId }) => {
        const asked = Promise.resolve()
          .then(() => adapter.currentUsage(instanceId, hookCtx))
          .catch((e: unknown) => void ctx.logger.warn("currentUsage() failed; the recorded usage is answered", { product: product.id, instanceId, error: describeError(e) }));
        const got = await Promise.race([asked, late]);
        if (got === "late") return void ctx.logger.warn("currentUsage() was late; the recorded usage is answered", { product: product.id, instanceId, budgetMs: product.metering.realtimeBudgetMs });
        const u = readHook(got ?? undefined);
        if (u) live.set(instanceId, u);
      }),
    );
    clearTimeout(timer);
  }
  const out = new Map<string, UsageInfo>();
  for (const { instanceId, terms } of asks) {
    const now = live.get(instanceId);
    const rec = recorded.get(instanceId);
    const item: UsageInfo = now
      ? { usageValue: four(now.usageValue), statisticalTime: usageTime(ctx.nowMs), source: "realtime" }
      : { usageValue: rec?.total ?? 0, statisticalTime: usageTime(rec ? rec.lastEnd : ctx.nowMs), source: "recorded" };
    if (product.metering.billing === "package") {
      const remaining = now?.remaining ?? (terms?.amount !== undefined ? Math.max(0, terms.amount - item.usageValue) : undefined);
      if (remaining !== undefined) item.remainingValue = four(remaining);
    }
    out.set(instanceId, item);
  }
  return out;
}
