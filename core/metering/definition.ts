/**
 * How a product opts into pay-per-use metering (docs/marketplace/api-image-openapi.md §4, docs/marketplace/saas.md
 * §8.1): a kind that can be metered sets `Kind.metering` and adds `METERING_SCHEMA` to its schema; a
 * definition then says `metering: { enabled: true, period: hour }`. Pushes are signed with the
 * listing's basic key (§4: "the merchant key bound to the basic interface type").
 */
import type { BaseDefinition, ProductBase } from "../products/definition.js";

export const METERING_PERIODS = ["hour", "day"] as const;
export type MeteringPeriod = (typeof METERING_PERIODS)[number];

/** on-demand (按需): usage so far; package (套餐包): usage of the package and what is left of it. */
export const METERING_BILLINGS = ["on-demand", "package"] as const;
export type MeteringBilling = (typeof METERING_BILLINGS)[number];

/** How long queryInstance waits for the currentUsage() hook by default (ms), well inside the 5-second deadline. */
export const DEFAULT_REALTIME_BUDGET_MS = 1000;

export const METERING_SCHEMA = {
  metering: {
    description:
      "Pay-per-use metering (docs/marketplace/api-image-openapi.md §4): usage records pushed to KooGallery, signed with keys.basic. With an adapter usage() hook koogate asks for each live instance's usage once per period.",
    type: "object",
    additionalProperties: false,
    required: ["enabled"],
    properties: {
      enabled: { description: "Record and push usage for this listing.", type: "boolean" },
      period: {
        description:
          "The window the usage() hook is asked for: hour (pushed right after each hour, default) or day (a daily aggregate, pushed between 00:00 and 00:15 China Standard Time).",
        enum: METERING_PERIODS,
      },
      billing: {
        description:
          "How the listing is sold: on-demand (按需, default) or package (套餐包). queryInstance answers each instance's usage in real time (the adapter's currentUsage() hook), and for a package what is left of it.",
        enum: METERING_BILLINGS,
      },
      realtimeBudgetMs: {
        description: "How long queryInstance waits for the adapter's currentUsage() hook before it answers the usage recorded so far instead. Default 1000.",
        type: "integer",
        minimum: 50,
        maximum: 3000,
      },
    },
  },
} as const;

export interface MeteringSettings {
  enabled: boolean;
  period: MeteringPeriod;
  billing: MeteringBilling;
  realtimeBudgetMs: number;
}

/** A product of a kind that can be metered. */
export interface Metered extends ProductBase {
  metering: MeteringSettings;
}

export function isMetered(product: ProductBase): product is Metered {
  return (product as Partial<Metered>).metering?.enabled === true;
}

/** The setting of a definition (off when absent; period hour by default). */
export function loadMetering(def: BaseDefinition): MeteringSettings {
  const m = def.metering as Partial<MeteringSettings> | undefined;
  return { enabled: m?.enabled === true, period: m?.period ?? "hour", billing: m?.billing ?? "on-demand", realtimeBudgetMs: m?.realtimeBudgetMs ?? DEFAULT_REALTIME_BUDGET_MS };
}
