/**
 * What the three request parsers (2.0 body, 1.0 query, joint-operation sync body) share: reading a
 * body as one JSON object (strict UTF-8), the one rule for identifier fields, and turning the first
 * broken ajv rule into a `resultMsg` a merchant and the marketplace's operators can act on
 * ("userList.0.role is missing").
 */
import type { ErrorObject } from "ajv";
import { callErrors } from "../errors.js";

/**
 * Parses a request body that must be one JSON object.
 * @throws CallError 000002 when it is not JSON, or not an object
 */
export function parseJsonObject(rawBody: Buffer): Record<string, unknown> {
  let text: string;
  try {
    text = UTF8.decode(rawBody);
  } catch {
    throw callErrors.param("param is invalid: the body is not UTF-8");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw callErrors.param("param is invalid: the body is not JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw callErrors.param("param is invalid: the body is not a JSON object");
  return body as Record<string, unknown>;
}

/**
 * Bodies are UTF-8 (docs/marketplace/saas.md §1). A lenient decoder turns every invalid sequence into U+FFFD, so two
 * different byte strings would become one order: a fatal one refuses them.
 */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * What an identifier field (orderId, orderLineId, businessId, instanceId, tenantId, …) may hold: no
 * control character (C0, DEL, C1), no lone UTF-16 surrogate, no U+FFFD (what invalid UTF-8 or a broken
 * percent-escape decodes to). Such a value cannot be a real marketplace id; stored, it breaks adapters
 * (a URIError on every resend) and keys. ajv compiles patterns with the `u` flag, so \p{…} works.
 */
export const PRINTABLE = "^[^\\p{Cc}\\p{Cs}\\uFFFD]*$";

/**
 * The schema of an identifier field: a printable string of at most `maxLength` characters, at least
 * one unless `mayBeEmpty`.
 */
export function identifier(maxLength: number, mayBeEmpty = false): Record<string, unknown> {
  return { type: "string", minLength: mayBeEmpty ? 0 : 1, maxLength, pattern: PRINTABLE };
}

/**
 * A short sentence for the first broken rule.
 * @param formats what a field with a `pattern` rule must look like, by field name
 */
export function explainRule(e: ErrorObject, formats: Readonly<Record<string, string>> = {}): string {
  const p = e.params as { missingProperty?: string; limit?: number; type?: string; allowedValues?: unknown[] };
  const field = e.instancePath.replace(/^\//, "").replace(/\//g, ".");
  switch (e.keyword) {
    case "required":
      return `${field ? `${field}.` : ""}${p.missingProperty} is missing`;
    case "maxLength":
      return `${field} is longer than ${p.limit} characters`;
    case "minLength":
    case "minItems":
      return `${field} is empty`;
    case "type":
      return `${field} must be a ${String(p.type)}`;
    case "enum":
      return `${field} must be one of ${[...new Set((p.allowedValues ?? []).filter((v) => v !== "").map(String))].join(", ")}`;
    case "pattern": {
      if ((e.params as { pattern?: string }).pattern === PRINTABLE) return `${field} holds a character that is not printable`;
      const name = field.split(".").pop() ?? field;
      return `${field} must be ${formats[name] ?? "in the documented format"}`;
    }
    default:
      return `${field || "the request"} ${e.message ?? "is invalid"}`;
  }
}

/**
 * The rules of 1.0 (GET) query parameters, shared by the SaaS 1.0 calls (docs/marketplace/saas.md §9) and the 1.0 licence
 * calls (docs/marketplace/license.md §4): every value is a string; `object` makes the schema of one activity's parameters.
 */
export const queryRules = {
  id: identifier(64),
  /** an optional identifier (productId, skuCode, customerId, userId) */
  optId: identifier(64, true),
  text: (maxLength = 256) => ({ type: "string", maxLength }),
  time14: { type: "string", pattern: "^\\d{14}$" },
  object: (required: Record<string, unknown>, optional: Record<string, unknown> = {}) => ({
    type: "object",
    required: Object.keys(required),
    properties: { testFlag: { enum: ["0", "1", ""] }, ...required, ...optional },
  }),
} as const;
