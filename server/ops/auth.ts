/**
 * Who may see the operator page: a caller presenting `KOOGATE_OPS_TOKEN` as `Authorization: Bearer …`,
 * or a browser holding a session cookie opened by the sign-in form. The token is never put in a URL (a
 * URL ends up in access logs and browser history) nor in the cookie: the cookie carries a random
 * session id, kept in the database until it expires or its holder signs out (core/ops/sessions.ts).
 * Wrong tokens — from the form or as a bearer — are throttled per address and in total
 * (core/ops/sign-in-throttle.ts) before any comparison (issue 24, finding 12).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type Koa from "koa";
import type { Logger } from "../../core/logger.js";
import type { OpsSecureCookie } from "../../core/settings/ops.js";
import { SESSION_TTL_MS, type OpsSessions } from "../../core/ops/sessions.js";
import type { SignInThrottle } from "../../core/ops/sign-in-throttle.js";

export const SESSION_COOKIE = "koogate_ops";

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

/** Whether a request may go on: 401 without (or with a wrong) token or session, 429 while throttled. */
export type Verdict = { ok: true } | { ok: false; status: 401 } | { ok: false; status: 429; retryAfterSeconds: number };

export interface OpsAuthOptions {
  token: string;
  sessions: OpsSessions;
  throttle: SignInThrottle;
  /** `KOOGATE_OPS_SECURE_COOKIE` */
  secureCookie: OpsSecureCookie;
  logger: Logger;
}

export class OpsAuth {
  constructor(private readonly o: OpsAuthOptions) {}

  /** Whether the request carries the token or an open session. A wrong bearer token counts as a wrong sign-in. */
  async check(ctx: Koa.Context): Promise<Verdict> {
    const b = bearer(ctx);
    if (b !== undefined) return this.compare(ctx, b);
    const id = ctx.cookies.get(SESSION_COOKIE);
    return id !== undefined && (await this.o.sessions.valid(id)) ? { ok: true } : { ok: false, status: 401 };
  }

  /** The sign-in form's token: on a match, opens a session and sets its cookie. */
  async signIn(ctx: Koa.Context, given: string | undefined): Promise<Verdict> {
    const v = await this.compare(ctx, given);
    if (v.ok) this.setCookie(ctx, await this.o.sessions.open(), SESSION_TTL_MS);
    return v;
  }

  /** Ends the request's session, in every process, and clears its cookie. */
  async signOut(ctx: Koa.Context): Promise<void> {
    const id = ctx.cookies.get(SESSION_COOKIE);
    if (id !== undefined) await this.o.sessions.close(id);
    this.setCookie(ctx, "", 0);
  }

  private async compare(ctx: Koa.Context, given: string | undefined): Promise<Verdict> {
    const retryAfterSeconds = this.o.throttle.refusal(ctx.ip);
    if (retryAfterSeconds !== undefined) return { ok: false, status: 429, retryAfterSeconds };
    if (given !== undefined && sameSecret(given, this.o.token)) return { ok: true };
    this.o.throttle.failed(ctx.ip);
    this.o.logger.warn("operator page: wrong token", { ip: ctx.ip });
    return { ok: false, status: 401 };
  }

  /**
   * An HttpOnly, SameSite=Strict cookie for /ops only. `Secure` always with `KOOGATE_OPS_SECURE_COOKIE=always`
   * (the default in production: TLS usually ends at a proxy koogate may not be told to trust), else when
   * the request is https as Koa sees it (`ctx.secure`: through a trusted proxy's `X-Forwarded-Proto`).
   */
  private setCookie(ctx: Koa.Context, value: string, maxAge: number): void {
    const secure = this.o.secureCookie === "always" || ctx.secure;
    // the cookies module refuses a Secure cookie on a request it believes is plain http
    if (secure) ctx.cookies.secure = true;
    ctx.cookies.set(SESSION_COOKIE, value, { httpOnly: true, sameSite: "strict", path: "/ops", secure, maxAge, overwrite: true });
  }
}
