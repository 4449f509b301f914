/**
 * How a product opts into pay-per-use metering (docs/marketplace/api-image-openapi.md §4, docs/marketplace/saas.md
 * §8.1): a kind that can be metered sets `Kind.metering` and adds `METERING_SCHEMA` to its schema; a
 * definition then says `metering: { enabled: true, period: hour }`. Pushes are signed with the
 * listing's basic key (§4: "the merchant key bound to the basic interface type").
 */
import type { BaseDefinition, ProductBase } from "../products/definition.js";

export const METERING_PERIODS = ["hour", "day"] as const;
export type MeteringPeriod = (typeof METERING_PERIODS)[number];

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
    },
  },
} as const;

export interface MeteringSettings {
  enabled: boolean;
  period: MeteringPeriod;
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
  return { enabled: m?.enabled === true, period: m?.period ?? "hour" };
}
