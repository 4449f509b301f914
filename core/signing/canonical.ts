/**
 * The marketplace's payload canonicalisation (docs/marketplace/saas.md §2.1, docs/marketplace/vectors.md §4): compact JSON with the
 * top-level keys sorted ascending (Java TreeMap = UTF-16 code-unit order, which is also JavaScript's
 * default sort) and top-level `null` values removed.
 *
 * How the marketplace orders keys of *nested* objects is UNCONFIRMED (docs/marketplace/vectors.md §4), so two forms are
 * offered: nested values in received order, and nested keys sorted recursively. Verifiers try both and
 * log which matched.
 *
 * Built by hand rather than by re-stringifying an object, so that integer-like top-level keys are not
 * moved to the front by JavaScript's own property order.
 */
import { safeEqual } from "./compare.js";

export type CanonicalForm = "canonical" | "canonical-deep";

/** Throws SyntaxError when `raw` is not JSON, TypeError when it is not a JSON object. */
export function canonicalJson(raw: string, form: CanonicalForm = "canonical"): string {
  const value: unknown = JSON.parse(raw);
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError("the body is not a JSON object");
  }
  return serialiseObject(value as Record<string, unknown>, form === "canonical-deep", true);
}

function serialiseObject(o: Record<string, unknown>, deep: boolean, dropNulls: boolean): string {
  const keys = Object.keys(o)
    .filter((k) => !(dropNulls && o[k] === null))
    .sort();
  return "{" + keys.map((k) => JSON.stringify(k) + ":" + serialise(o[k], deep)).join(",") + "}";
}

function serialise(v: unknown, deep: boolean): string {
  if (!deep || v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return "[" + v.map((x) => serialise(x, deep)).join(",") + "]";
  return serialiseObject(v as Record<string, unknown>, deep, false);
}

/** Which payload form a verified signature matched. */
export type PayloadForm = "raw" | CanonicalForm;

/**
 * The payloads a marketplace signature may have been computed over: the raw bytes, then the canonical
 * forms that differ from them (none when the body is not a JSON object). Verifiers try them in order,
 * so that a body signed as sent is matched without any parsing.
 */
export function* payloadCandidates(rawBody: Buffer): Generator<[PayloadForm, string | Buffer]> {
  yield ["raw", rawBody];
  const seen = new Set<string>();
  let text: string;
  try {
    text = rawBody.toString("utf8");
    for (const form of ["canonical", "canonical-deep"] as const) {
      const c = canonicalJson(text, form);
      if (seen.has(c)) continue;
      seen.add(c);
      if (c !== text) yield [form, c];
    }
  } catch {
    // not a JSON object: only the raw bytes can have been signed
  }
}

/**
 * The one verify loop of the body-signing schemes: every payload form, then every active key (the
 * current one first), compared in constant time with `wanted`. `sign` is the scheme's own signer.
 * @returns which form and key matched, or null
 */
export function matchSignature(
  rawBody: Buffer,
  keys: readonly string[],
  wanted: string,
  sign: (key: string, payload: string | Buffer) => string,
): { form: PayloadForm; keyIndex: number } | null {
  for (const [form, payload] of payloadCandidates(rawBody)) {
    for (let keyIndex = 0; keyIndex < keys.length; keyIndex++) {
      if (safeEqual(sign(keys[keyIndex]!, payload), wanted)) return { form, keyIndex };
    }
  }
  return null;
}
