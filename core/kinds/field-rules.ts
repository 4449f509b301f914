/**
 * What the three request parsers (2.0 body, 1.0 query, joint-operation sync body) share: reading a
 * body as one JSON object, and turning the first broken ajv rule into a `resultMsg` a merchant and the
 * marketplace's operators can act on ("userList.0.role is missing").
 */
import type { ErrorObject } from "ajv";
import { callErrors } from "../errors.js";

/**
 * Parses a request body that must be one JSON object.
 * @throws CallError 000002 when it is not JSON, or not an object
 */
export function parseJsonObject(rawBody: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(rawBody.toString("utf8"));
  } catch {
    throw callErrors.param("param is invalid: the body is not JSON");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) throw callErrors.param("param is invalid: the body is not a JSON object");
  return body as Record<string, unknown>;
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
      const name = field.split(".").pop() ?? field;
      return `${field} must be ${formats[name] ?? "in the documented format"}`;
    }
    default:
      return `${field || "the request"} ${e.message ?? "is invalid"}`;
  }
}

/**
 * The rules of 1.0 (GET) query parameters, shared by the SaaS 1.0 calls (saas.md §9) and the 1.0 licence
 * calls (license.md §4): every value is a string; `object` makes the schema of one activity's parameters.
 */
export const queryRules = {
  id: { type: "string", minLength: 1, maxLength: 64 },
  text: (maxLength = 256) => ({ type: "string", maxLength }),
  time14: { type: "string", pattern: "^\\d{14}$" },
  object: (required: Record<string, unknown>, optional: Record<string, unknown> = {}) => ({
    type: "object",
    required: Object.keys(required),
    properties: { testFlag: { enum: ["0", "1", ""] }, ...required, ...optional },
  }),
} as const;
