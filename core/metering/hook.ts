/** The optional pull hook of a metered product's adapter (any kind with `Kind.metering`). */
import type { Logger } from "../logger.js";

/** One period: [begin, end). */
export interface UsageWindow {
  begin: Date;
  end: Date;
}

export interface UsageHookContext {
  product: { id: string; name: string };
  options: Record<string, unknown>;
  logger: Logger;
  test: boolean;
}

export interface UsageHook {
  /**
   * How much `instanceId` used in `window`, asked once per period for every live instance (`metering.period`).
   * Return 0, null or undefined when nothing was used; a throw is retried. The answer is recorded
   * under a metering_sn derived from product, instance and window, so it is counted once whatever happens.
   */
  usage(instanceId: string, window: UsageWindow, ctx: UsageHookContext): Promise<number | null | undefined>;
}

export function hasUsageHook(adapter: unknown): adapter is UsageHook {
  return typeof (adapter as Partial<UsageHook> | null)?.usage === "function";
}

/** What an instance has used up to now, as the adapter's backend knows it. */
export interface CurrentUsage {
  /** usage so far (of the current period, or of the package), at most 4 decimals */
  usageValue: number;
  /** a package (`metering.billing: package`): what is left of it */
  remaining?: number;
}

export interface CurrentUsageHook {
  /**
   * Usage of `instanceId` in real time, asked by each queryInstance (docs/marketplace/saas.md §4.2:
   * "on-demand products also return the buyer's current usage in real time"). It has
   * `metering.realtimeBudgetMs` to answer; late, absent or throwing, the usage recorded so far is
   * answered instead. A number is the usage; null or undefined: the recorded usage.
   */
  currentUsage(instanceId: string, ctx: UsageHookContext): Promise<CurrentUsage | number | null | undefined>;
}

export function hasCurrentUsageHook(adapter: unknown): adapter is CurrentUsageHook {
  return typeof (adapter as Partial<CurrentUsageHook> | null)?.currentUsage === "function";
}
