/**
 * What a buyer bought, as the 1.0 purchase and renewal calls describe it (docs/marketplace/saas.md §9,
 * docs/marketplace/license.md §4): typed for the adapter, stored with the instance (`koogate_instances.terms`),
 * never a personal value. 2.0 purchase bodies carry none of it (the order, read with query order, does).
 */
/** `chargingMode` 3: one-off (按次) — bought once, it never expires. */
export const ONE_OFF_CHARGING_MODE = 3;

export interface PurchaseTerms {
  /** how it is charged, as sent (3 = one-off, 按次); other values are passed on as they are */
  chargingMode?: number;
  /** the period unit (`year`, `month`, `day`, …), as sent */
  periodType?: string;
  /** how many periods */
  periodNumber?: number;
  /** the quantity bought (e.g. 30 for "30个用户" on a quantity-priced specification) */
  amount?: number;
  /** 1.0 resource sizes, when the specification has them */
  diskSize?: number;
  bandWidth?: number;
  /** 1.0 provisioning type, as sent */
  provisionType?: string;
  /** the order's money amount, as sent (a decimal string) */
  orderAmount?: string;
}

/** Each field by its type (1.0 sends every one as a query parameter of the same name). */
const NUMBERS = ["chargingMode", "periodNumber", "amount", "diskSize", "bandWidth"] as const;
const STRINGS = ["periodType", "provisionType", "orderAmount"] as const;

/** A whole number of at most 9 digits, the form 1.0 sends numbers in (empty: not sent). */
const WHOLE = { type: "string", pattern: "^\\d{0,9}$" } as const;
const TEXT = { type: "string", maxLength: 32, pattern: "^[\\x21-\\x7e]*$" } as const;

/** The field rules of the terms, for a 1.0 call's schema (optional fields). */
export const TERMS_RULES: Record<string, object> = {
  ...Object.fromEntries(NUMBERS.map((k) => [k, WHOLE])),
  ...Object.fromEntries(STRINGS.map((k) => [k, TEXT])),
  orderAmount: { type: "string", maxLength: 32, pattern: "^\\d{1,20}(\\.\\d{1,6})?$" },
};

/** The terms a 1.0 call's parameters (already checked by TERMS_RULES) carry; undefined when none. */
export function termsFrom(params: Readonly<Record<string, string | undefined>>): PurchaseTerms | undefined {
  const t: Record<string, string | number> = {};
  for (const k of NUMBERS) if (params[k]) t[k] = Number(params[k]);
  for (const k of STRINGS) if (params[k]) t[k] = params[k]!;
  return Object.keys(t).length ? (t as PurchaseTerms) : undefined;
}

/** True for a one-off (按次) purchase: it has no expiry. */
export function isOneOff(terms: PurchaseTerms | undefined): boolean {
  return terms?.chargingMode === ONE_OFF_CHARGING_MODE;
}

/** Stored form (JSON text) of terms. */
export function storeTerms(terms: PurchaseTerms | undefined): string | null {
  return terms && Object.keys(terms).length ? JSON.stringify(terms) : null;
}

/** Terms read back from their stored form; a column that is not such JSON reads as none. */
export function readTerms(stored: unknown): PurchaseTerms | undefined {
  if (typeof stored !== "string" || stored === "") return undefined;
  try {
    const v = JSON.parse(stored) as unknown;
    return v && typeof v === "object" && !Array.isArray(v) ? (v as PurchaseTerms) : undefined;
  } catch {
    return undefined;
  }
}
