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
