/**
 * The `usage` object of a token-billed Agents-gateway answer (docs/marketplace/api-image-openapi.md
 * §6.4): the gateway bills from it, so an answer without a well-formed one is billed as zero. koogate
 * checks the non-streaming JSON answers and says so; it never changes them.
 */

/** The counters the gateway reads from `usage` (§6.4); "custom" fields configured in the gateway are not known here. */
const COUNTERS = ["prompt_tokens", "input_tokens", "completion_tokens", "output_tokens", "total_tokens", "image_count", "video_duration"] as const;

/** What an answer's `usage` says: null when it would be billed normally, else why it would bill zero. */
export type UsageProblem = "usage missing" | "usage malformed" | "usage zero" | "answer not JSON";

export function usageProblem(body: Buffer): UsageProblem | null {
  let o: unknown;
  try {
    o = JSON.parse(body.toString("utf8"));
  } catch {
    return "answer not JSON";
  }
  if (o === null || typeof o !== "object" || Array.isArray(o)) return "usage missing";
  const usage = (o as Record<string, unknown>).usage;
  if (usage === undefined) return "usage missing";
  if (usage === null || typeof usage !== "object" || Array.isArray(usage)) return "usage malformed";
  const u = usage as Record<string, unknown>;
  const present = COUNTERS.filter((c) => u[c] !== undefined);
  if (present.length === 0) return "usage malformed";
  if (present.some((c) => typeof u[c] !== "number" || !Number.isFinite(u[c]) || (u[c] as number) < 0)) return "usage malformed";
  return present.some((c) => (u[c] as number) > 0) ? null : "usage zero";
}

/** Whether an answer is one koogate checks: a JSON content type (a stream — SSE — is not checked). */
export function isJsonAnswer(contentType: string | undefined): boolean {
  return contentType !== undefined && /^application\/(?:[\w.+-]*\+)?json\b/i.test(contentType.trim());
}
