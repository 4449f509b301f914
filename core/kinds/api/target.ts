/**
 * The request target an API call is answered and forwarded with (docs/marketplace/api-image-openapi.md
 * §6.3): one form per signed request, so that what the upstream sees is exactly what the gateway
 * signed, and never a path that climbs out of the upstream's base.
 *
 * An APIG signature covers the path and query in their canonical form (§2): each path segment decoded
 * then encoded again, always ending in `/`; the parameters decoded, sorted by name then value, encoded
 * again. Many raw forms share one signature (`%65cho` and `echo`, `a=2&a=1` and `a=1&a=2`, `+` and
 * `%20`, `%FF` and `%C0` in a query, which both decode to U+FFFD), and an upstream may read them
 * differently. So koogate refuses the forms that no normal form can stand for, and forwards the
 * normal form of the rest, whatever the scheme:
 *
 * - refused (400, before anything else): a dot segment (`.` or `..`, raw or as `%2e`), a segment that
 *   decodes to a `/`, a `\` or a control character (an upstream that decodes before it splits would
 *   see other segments), percent-encoding that is not UTF-8 (`%FF`, the overlong `%C0%AE`), and a
 *   trailing `/` after a sub-path (the canonical URI always ends in `/`: `/echo/` and `/echo` share a
 *   signature, so only the form without is accepted);
 * - forwarded: each segment as the decoded text with only what a path segment cannot hold
 *   percent-encoded (upper-case hex, UTF-8; RFC 3986 `pchar`s such as `:` and `@` stay as they are),
 *   and the query in the signature's canonical form (sorted, `%20` for a space, `k=` for a bare key).
 */
import { canonicalQuery } from "../../signing/apig.js";

/** Why a request target is refused: each maps to one short answer (`TARGET_ERRORS`). */
export type TargetProblem = "dot-segment" | "encoded-separator" | "bad-encoding" | "trailing-slash";

/** The 400 answer of each problem: short, fixed, the same for every caller. */
export const TARGET_ERRORS: Readonly<Record<TargetProblem, string>> = {
  "dot-segment": "path has a dot segment",
  "encoded-separator": "path has an encoded slash, a backslash or a control character",
  "bad-encoding": "path or query is not percent-encoded UTF-8",
  "trailing-slash": "path ends in a slash",
};

export type RequestTarget =
  | { ok: true; /** the sub-path after `/api/<id>`, in its normal form, starting with `/` */ subPath: string; /** the canonical query, without `?`; "" when none */ query: string }
  | { ok: false; problem: TargetProblem };

/** Characters a path segment holds as they are (RFC 3986 pchar minus `%`): every other one is percent-encoded. */
const PCHAR_KEPT = /%(24|26|2B|2C|3B|3D|3A|40)/g;

function encodeSegment(decoded: string): string {
  return encodeURIComponent(decoded).replace(PCHAR_KEPT, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const SEPARATOR_OR_CONTROL = /[/\\\u0000-\u001f\u007f]/;

function decodeOrNull(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * Checks the raw path (`/api/<id>/…`, as sent) and query (as sent, without `?`) of a call and gives the
 * forms forwarded.
 */
export function requestTarget(rawPath: string, rawQuery: string): RequestTarget {
  const segments = rawPath.split("/");
  const normal: string[] = [];
  for (const segment of segments) {
    const decoded = decodeOrNull(segment);
    if (decoded === null) return { ok: false, problem: "bad-encoding" };
    if (decoded === "." || decoded === "..") return { ok: false, problem: "dot-segment" };
    if (SEPARATOR_OR_CONTROL.test(decoded)) return { ok: false, problem: "encoded-separator" };
    normal.push(encodeSegment(decoded));
  }
  // ["", "api", "<id>", …rest]
  const rest = normal.slice(3);
  if (rest.length > 1 && rest.at(-1) === "") return { ok: false, problem: "trailing-slash" };
  for (const part of rawQuery.split("&")) if (decodeOrNull(part.replace(/\+/g, " ")) === null) return { ok: false, problem: "bad-encoding" };
  return { ok: true, subPath: `/${rest.join("/")}`, query: canonicalQuery(rawQuery) };
}
