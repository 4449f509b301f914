/**
 * The operations routes:
 *
 *   GET  /healthz              the process is up (always 200)
 *   GET  /readyz               database, migrations, outbox, products: 200 or 503, JSON, read from the
 *                              background probe's verdict (no statement per request)
 *   GET  /metrics              Prometheus text, with the bearer token of KOOGATE_METRICS_TOKEN only (else
 *                              404); see ./metrics-endpoint.ts for the private listener
 *   GET  /ops…                 the operator page, with KOOGATE_OPS_TOKEN only (else 404): overview and a
 *                              listing's page (with charts), calls (an API listing's call log), instances,
 *                              jobs, usage records, orders, tenants, a License listing's licences,
 *                              reconciliation; every figure read from the database (every process's)
 *   POST /ops/login, /ops/logout, /ops/jobs/:id/retry   same-origin form posts
 */
import type Router from "@koa/router";
import type Koa from "koa";
import type { Kernel } from "../../core/kernel.js";
import type { Logger } from "../../core/logger.js";
import { isMetered } from "../../core/metering/definition.js";
import { UsageStore } from "../../core/metering/store.js";
import { ActivityReader } from "../../core/ops/activity.js";
import type { ProductBase } from "../../core/products/definition.js";
import { callShares, shareOf, type CallShare } from "../../core/store/call-shares.js";
import { EventLog } from "../../core/store/events.js";
import { InstanceStore } from "../../core/store/instances.js";
import { JobStore } from "../../core/store/jobs.js";
import { ReconciliationStore } from "../../core/store/reconciliations.js";
import { EVENT_CALLS, type Span } from "../../core/store/series.js";
import type { Clock } from "../../core/tokens.js";
import { readRawBody } from "../../core/serving/raw-body.js";
import { OpsSessions } from "../../core/ops/sessions.js";
import { SignInThrottle } from "../../core/ops/sign-in-throttle.js";
import { OpsAuth, SESSION_COOKIE, sameOrigin, type Verdict } from "./auth.js";
import { documentOf, html, navOf, page, STYLESHEET, type NavEntry, type OpsPage } from "./html.js";
import { scrape } from "./metrics-endpoint.js";
import { activitySection } from "./activity-view.js";
import { filterOf, MAX_FILTER, ownCallLog, registerKindViews, viewContext } from "./kind-routes.js";
import { callsPage, instancePage, jobsPage, loginPage, overviewPage, productPage, reconciliationPage, usagePage, USAGE_STATES, type CallFilters, type ProductHealth } from "./pages.js";
import type { Ops } from "./wiring.js";

export interface OpsRouteDeps {
  ops: Ops;
  kernel: Kernel;
  events: EventLog;
  instances: InstanceStore;
  jobs: JobStore;
  clock: Clock;
  logger: Logger;
}

export function registerOpsRoutes(router: Router, d: OpsRouteDeps): void {
  router.get("/healthz", (ctx) => json(ctx, 200, { status: "ok" }));
  router.get("/readyz", (ctx) => {
    const r = d.ops.health.status();
    json(ctx, r.ready ? 200 : 503, { status: r.ready ? "ready" : "not ready", checks: r.checks });
  });
  router.get("/metrics", async (ctx) => {
    const a = await scrape(d.ops.metrics, { token: d.ops.config.metricsToken, open: false, authorization: ctx.get("authorization") });
    ctx.status = a.status;
    ctx.set(a.headers);
    ctx.body = a.body;
  });
  const token = d.ops.config.opsToken;
  if (token !== undefined) registerPage(router, d, token);
}

function registerPage(router: Router, d: OpsRouteDeps, token: string): void {
  const reconciliations = new ReconciliationStore(d.kernel.db);
  const usage = new UsageStore(d.kernel.db);
  const auth = new OpsAuth({ token, sessions: new OpsSessions(d.kernel.db, token), throttle: new SignInThrottle(), secureCookie: d.ops.config.opsSecureCookie, logger: d.logger });
  // the navigation: the core's views and those of the registered kinds (filled in as they are registered)
  const kindNav: NavEntry[] = [];
  const document = (p: OpsPage) => documentOf(p, navOf(kindNav));
  const view = (handler: (ctx: Koa.Context) => Promise<OpsPage | Answer> | OpsPage) => async (ctx: Koa.Context) => {
    secureHeaders(ctx);
    const v = await auth.check(ctx);
    if (!v.ok) return refuse(ctx, v, ctx.get("authorization") !== "" || ctx.cookies.get(SESSION_COOKIE) !== undefined);
    const a = await handler(ctx);
    if ("status" in a) htmlAnswer(ctx, a.status, document(a.body));
    else htmlAnswer(ctx, 200, document(a));
  };
  const post = (handler: (ctx: Koa.Context) => Promise<void>) => async (ctx: Koa.Context) => {
    secureHeaders(ctx);
    if (!sameOrigin(ctx)) return htmlAnswer(ctx, 403, "forbidden: a form of another site");
    await handler(ctx);
  };

  router.get("/ops/style.css", (ctx) => {
    ctx.type = "text/css; charset=utf-8";
    ctx.set("Cache-Control", "max-age=300");
    ctx.body = STYLESHEET;
  });
  router.get("/ops/login", (ctx) => {
    secureHeaders(ctx);
    htmlAnswer(ctx, 200, documentOf(loginPage(false), []));
  });
  router.post(
    "/ops/login",
    post(async (ctx) => {
      const raw = await readRawBody(ctx.req, 4096, 5000);
      const given = raw.oversize ? undefined : new URLSearchParams(raw.bytes.toString("utf8")).get("token");
      const v = await auth.signIn(ctx, given ?? undefined);
      if (!v.ok) return refuse(ctx, v, true);
      ctx.redirect("/ops");
      ctx.status = 303;
    }),
  );
  router.post(
    "/ops/logout",
    post(async (ctx) => {
      await auth.signOut(ctx);
      ctx.redirect("/ops/login");
      ctx.status = 303;
    }),
  );
  const minutes = Math.round(d.ops.config.alertWindowMs / 60_000);
  /** the listings' figures over the alarm window, read from the event log (every process's calls) */
  const health = async (listed: readonly ProductBase[]): Promise<ProductHealth[]> => {
    const since = d.clock.now() - d.ops.config.alertWindowMs;
    // a kind whose calls skip the pipeline counts them in its own call log, every other in the event log
    const own = (p: ProductBase) => ownCallLog(d.kernel, p.id);
    const logs = [...new Set(listed.map(own).filter((l) => l !== undefined))];
    const counted = await Promise.all([
      callShares(d.kernel.db, listed.filter((p) => !own(p)).map((p) => p.id), since),
      ...logs.map((l) => l.shares(d.kernel.db, listed.filter((p) => own(p) === l).map((p) => p.id), since)),
    ]);
    const shares = new Map<string, CallShare>(counted.flatMap((m) => [...m]));
    return listed.map((p) => {
      const f = shares.get(p.id) ?? { calls: 0, failures: 0 };
      const links = d.kernel.product(p.id)?.kind.ops?.links?.(p) ?? [];
      return { id: p.id, kind: p.kind, metered: isMetered(p), links, ...f, share: shareOf(f) };
    });
  };
  const reader = new ActivityReader(d.kernel.db, (l) => ownCallLog(d.kernel, l.id)?.source ?? EVENT_CALLS);
  const activity = async (ctx: Koa.Context, listed: readonly ProductBase[]) => {
    const given = new URLSearchParams(ctx.querystring).get("range");
    const span: Span = given === "day" ? "day" : "hour";
    return activitySection(await reader.read(listed, span, d.clock.now()), { threshold: d.ops.config.alertThreshold, here: ctx.path });
  };
  router.get(
    "/ops",
    view(async (ctx) => {
      const listed = d.kernel.products();
      const [products, charts, last, alerts] = await Promise.all([health(listed), activity(ctx, listed), reconciliations.latest(), d.ops.alarm.active()]);
      return overviewPage({ products, alerts, readiness: d.ops.health.status(), windowMinutes: minutes, last, activity: charts });
    }),
  );
  router.get(
    "/ops/products/:product",
    view(async (ctx) => {
      const listed = d.kernel.products().filter((p) => p.id === ctx.params.product);
      if (listed.length === 0) return notFound("no such listing");
      const [[product], charts, alerts] = await Promise.all([health(listed), activity(ctx, listed), d.ops.alarm.active()]);
      return productPage({ product: product!, windowMinutes: minutes, alerts: alerts.filter((a) => a.product === product!.id), activity: charts });
    }),
  );
  router.get(
    "/ops/calls",
    view(async (ctx) => {
      const q = new URLSearchParams(ctx.querystring);
      const f: CallFilters = {};
      for (const k of ["product", "activity", "verdict", "instance", "order"] as const) f[k] = filterOf(q, k);
      // a listing whose kind keeps its own call log (an API listing's) has that log as its calls view
      const own = f.product ? ownCallLog(d.kernel, f.product) : undefined;
      if (own && f.product) {
        const c = await own.view(viewContext(d.kernel), f.product, q);
        return page(c.title, c.body);
      }
      let instanceIds: string[] | undefined = f.instance ? [f.instance] : undefined;
      if (f.order) {
        const ofOrder = (await d.instances.list({ orderId: f.order, limit: 500 })).map((i) => i.instanceId);
        instanceIds = instanceIds ? instanceIds.filter((i) => ofOrder.includes(i)) : ofOrder;
      }
      const events = await d.events.search({ productId: f.product, activity: f.activity, verdict: f.verdict, instanceIds, limit: 200 });
      return callsPage({ filters: f, products: d.kernel.products().map((p) => p.id), events });
    }),
  );
  router.get(
    "/ops/instances/:product/:instance",
    view(async (ctx) => {
      const productId = String(ctx.params.product).slice(0, MAX_FILTER);
      const instanceId = String(ctx.params.instance).slice(0, MAX_FILTER);
      const [row, events, jobs] = await Promise.all([
        d.instances.get(productId, instanceId),
        d.events.search({ productId, instanceIds: [instanceId], limit: 1000 }),
        d.jobs.list({ productId, instanceId }, d.clock.now()),
      ]);
      return instancePage({ productId, instanceId, row, events, jobs });
    }),
  );
  router.get(
    "/ops/jobs",
    view(async (ctx) => {
      const retried = new URLSearchParams(ctx.querystring).get("retried");
      return jobsPage({ jobs: await d.jobs.list({ limit: 200 }, d.clock.now()), notice: retried && /^\d+$/.test(retried) ? `job ${retried} is queued again` : undefined });
    }),
  );
  router.get(
    "/ops/usage",
    view(async (ctx) => {
      const q = new URLSearchParams(ctx.querystring);
      const product = filterOf(q, "product");
      const given = q.get("state")?.trim();
      const state = USAGE_STATES.find((s) => s === given);
      const records = await usage.list({ productId: product, state, limit: 200 });
      return usagePage({ products: d.kernel.products().filter(isMetered).map((p) => p.id), product, state, records });
    }),
  );
  kindNav.push(...registerKindViews(router, d.kernel, view));
  router.get(
    "/ops/reconciliation",
    view(async () => reconciliationPage(await reconciliations.latest())),
  );
  router.post(
    "/ops/jobs/:id/retry",
    post(async (ctx) => {
      const v = await auth.check(ctx);
      if (!v.ok) return refuse(ctx, v, true);
      const id = Number(ctx.params.id);
      if (!Number.isSafeInteger(id) || id < 1) return htmlAnswer(ctx, 404, "no such job");
      const ok = await d.jobs.retryNow(id, d.clock.now());
      if (!ok) return htmlAnswer(ctx, 409, document(jobsPage({ jobs: await d.jobs.list({ limit: 200 }, d.clock.now()), notice: `job ${id} is not parked as failed: nothing to retry` })));
      d.logger.info("operator page: parked job queued again", { job: id });
      ctx.redirect(`/ops/jobs?retried=${id}`);
      ctx.status = 303;
    }),
  );
}

/** Headers of every operator page answer: no caching, no framing, no script, no other origin. */
function secureHeaders(ctx: Koa.Context): void {
  ctx.set("Cache-Control", "no-store");
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.set("Referrer-Policy", "same-origin");
  ctx.set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
}

/** A view's answer other than 200. */
interface Answer {
  status: number;
  body: OpsPage;
}

/** A view of something that does not exist: 404, the page saying what. */
function notFound(what: string): Answer {
  return { status: 404, body: page("Not found", html`<p class="empty">${what}</p>`) };
}

/** The sign-in form (401), or, while wrong tokens are throttled, 429 with when to try again. */
function refuse(ctx: Koa.Context, v: Exclude<Verdict, { ok: true }>, tried: boolean): void {
  if (v.status === 401) return htmlAnswer(ctx, 401, documentOf(loginPage(tried), []));
  ctx.set("Retry-After", String(v.retryAfterSeconds));
  htmlAnswer(ctx, 429, `too many wrong tokens: try again in ${v.retryAfterSeconds} s`);
}

function htmlAnswer(ctx: Koa.Context, status: number, body: string): void {
  ctx.status = status;
  ctx.type = "text/html; charset=utf-8";
  ctx.body = body;
}

function json(ctx: Koa.Context, status: number, body: unknown): void {
  ctx.status = status;
  ctx.type = "application/json; charset=utf-8";
  ctx.body = JSON.stringify(body);
}
