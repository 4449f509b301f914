/**
 * What a relay call sends: `{"license":"…"}`, and for usage exactly one of a client `id` or the day's
 * `activeNum` (docs/kinds/license.md, "The licence relay"). Anything else is answered 400 with the sentence returned here.
 */
import type { UsageReport } from "./usage.js";

export const RELAY_ACTIONS = ["activate", "check", "usage"] as const;
export type Action = (typeof RELAY_ACTIONS)[number];

/** The relay's requests are small: anything larger is not one. */
export const MAX_BODY = 2048;
const CODE = /^[\x21-\x7e]{1,64}$/;

export type Parsed = { code: string; report?: UsageReport };

/** The body of a relay call, or why it is not one. */
export function parse(bytes: Buffer, action: Action): Parsed | string {
  let o: unknown;
  try {
    o = JSON.parse(bytes.toString("utf8"));
  } catch {
    return "the body is not JSON";
  }
  if (!o || typeof o !== "object" || Array.isArray(o)) return "the body is not a JSON object";
  const b = o as Record<string, unknown>;
  if (typeof b.license !== "string" || !CODE.test(b.license)) return "license must be the authorization code (1 to 64 printable characters)";
  if (action !== "usage") return { code: b.license };
  const hasId = b.id !== undefined;
  const hasNum = b.activeNum !== undefined;
  if (hasId === hasNum) return "send exactly one of id and activeNum";
  if (hasId) {
    if (typeof b.id !== "string" || b.id.length === 0 || b.id.length > 256 || b.id.includes("\u0000")) return "id must be a client identity of 1 to 256 characters";
    return { code: b.license, report: { id: b.id } };
  }
  if (typeof b.activeNum !== "number" || !Number.isInteger(b.activeNum) || b.activeNum < 0 || b.activeNum > 999_999_999) return "activeNum must be a whole number from 0 to 999999999";
  return { code: b.license, report: { activeNum: b.activeNum } };
}

