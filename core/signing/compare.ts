import { timingSafeEqual } from "node:crypto";

/**
 * Constant-time string comparison. A length difference returns early (lengths are not secret: every
 * signature of one scheme has the same length); the contents are compared with `timingSafeEqual`.
 */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
