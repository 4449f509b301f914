/**
 * Who may see the operator page: a caller presenting `KOOGATE_OPS_TOKEN` as `Authorization: Bearer …`,
 * or a browser holding the session cookie set by the login form. The token is never put in a URL (a
 * URL ends up in access logs and browser history); the cookie holds an HMAC of it, not the token.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type Koa from "koa";

export const SESSION_COOKIE = "koogate_ops";

/** The cookie value of a session opened with `token`. */
export function sessionValue(token: string): string {
  return createHmac("sha256", token).update("koogate operator session v1").digest("base64url");
}

/** Equal strings, in time that does not depend on where they differ. */
export function sameSecret(a: string, b: string): boolean {
  const x = createHmac("sha256", "compare").update(a).digest();
  const y = createHmac("sha256", "compare").update(b).digest();
  return timingSafeEqual(x, y);
}

/** The bearer token of the request, if any. */
export function bearer(ctx: Koa.Context): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(ctx.get("authorization"));
  return m?.[1];
}

/** Whether the request carries the token or a session opened with it. */
export function authorized(ctx: Koa.Context, token: string): boolean {
  const b = bearer(ctx);
  if (b !== undefined) return sameSecret(b, token);
  const cookie = ctx.cookies.get(SESSION_COOKIE);
  return cookie !== undefined && sameSecret(cookie, sessionValue(token));
}

/**
 * A form POST must come from this page: its `Origin` (or, when a browser sends none, its `Referer`)
 * must be this server's own origin. A missing pair is refused too.
 */
export function sameOrigin(ctx: Koa.Context): boolean {
  const own = `${ctx.protocol}://${ctx.host}`;
  const origin = ctx.get("origin");
  if (origin) return origin === own;
  const referer = ctx.get("referer");
  return referer === own || referer.startsWith(`${own}/`);
}

/** Opens a session: an HttpOnly, SameSite=Strict cookie for /ops only, Secure over https. */
export function openSession(ctx: Koa.Context, token: string): void {
  ctx.cookies.set(SESSION_COOKIE, sessionValue(token), { httpOnly: true, sameSite: "strict", path: "/ops", secure: ctx.secure, overwrite: true });
}

export function closeSession(ctx: Koa.Context): void {
  ctx.cookies.set(SESSION_COOKIE, "", { httpOnly: true, sameSite: "strict", path: "/ops", secure: ctx.secure, maxAge: 0, overwrite: true });
}
