/**
 * What the features a listing or a setting switches on need from the other settings (issue 20, "Fail
 * fast"): the licence relay, licence uploads, order notification and the daily reconciliation all call
 * the marketplace's open APIs with the seller's access keys. Without them each would answer or log
 * errors for every call once serving; checked at start instead, a problem refuses the start in
 * production (and fails `koogate check`), and is a loud warning outside it.
 */
import { SetupError } from "../errors.js";
import type { FeatureSettings, Kind } from "../kinds/kind.js";
import type { MarketplaceConfig } from "../settings/marketplace.js";
import { receivesOrderNotify } from "../orders/definition.js";
import type { ProductBase } from "./definition.js";

/** The fix shared by every feature that calls the open APIs with AK/SK. */
export const ACCESS_KEYS_FIX = "set KOOGATE_MARKETPLACE_AK and KOOGATE_MARKETPLACE_SK (Seller Console › My Credentials › Access Keys)";

/** The settings that features depend on, as `koogate check` sees them (the server asks its client). */
export function featureSettings(m: MarketplaceConfig): FeatureSettings {
  return { marketplaceKeys: !!m.ak && !!m.sk };
}

/**
 * Every feature of `products` (through their kinds' `requires`) and of the settings that lacks what it
 * needs. `reconcileAt`: whether KOOGATE_RECONCILE_AT is set.
 */
export function featureProblems(products: readonly ProductBase[], kinds: readonly Kind[], settings: FeatureSettings & { reconcileAt: boolean }): SetupError[] {
  const byName = new Map(kinds.map((k) => [k.name, k]));
  const problems: SetupError[] = [];
  for (const p of products) {
    if (receivesOrderNotify(p) && !settings.marketplaceKeys) {
      problems.push(new SetupError(`order notification fetches each notified order with query order, signed with the seller's access keys: ${ACCESS_KEYS_FIX}, or set orderNotify.enabled: false`, p.file, "/orderNotify/enabled"));
    }
    problems.push(...(byName.get(p.kind)?.requires?.(p, settings) ?? []));
  }
  if (settings.reconcileAt && !settings.marketplaceKeys) {
    problems.push(new SetupError(`KOOGATE_RECONCILE_AT: the daily reconciliation queries every order with the seller's access keys: ${ACCESS_KEYS_FIX}, or unset KOOGATE_RECONCILE_AT`));
  }
  return problems;
}

/** One SetupError for several problems, each on its own line, as the loader reports several definitions. */
export function oneSetupError(problems: readonly SetupError[]): SetupError {
  if (problems.length === 1) return problems[0]!;
  return new SetupError(`${problems.length} problems in the setup:\n  - ${problems.map((p) => p.message).join("\n  - ")}`);
}
