/**
 * The operator page's views of what each kind stores (./kind-pages.ts draws them): an API listing's
 * call log (under /ops/calls, filtered to the listing), notified orders, joint-operation tenants and a
 * License listing's codes and licences. Registered by ./routes.ts behind the same sign-in.
 */
import type Router from "@koa/router";
import type Koa from "koa";
import type { Kernel } from "../../core/kernel.js";
import { LicenseCodeStore } from "../../core/kinds/license/codes.js";
import type { LicenseProduct } from "../../core/kinds/license/product.js";
import { searchApiCalls } from "../../core/store/api-call-search.js";
import { listIssued, relayUsageDays } from "../../core/store/licence-view.js";
import { listOrders } from "../../core/store/order-view.js";
import { listTenants } from "../../core/kinds/saas/sync/tenant-view.js";
import { apiCallsPage, licencesPage, ordersPage, tenantsPage } from "./kind-pages.js";

/** Longest value of a filter kept; the columns filtered are no longer. */
export const MAX_FILTER = 64;

/** A filter of the query string: trimmed, cut to MAX_FILTER, absent when empty. */
export const filterOf = (q: URLSearchParams, name: string): string | undefined => q.get(name)?.trim().slice(0, MAX_FILTER) || undefined;

/** The routes' wrapper: signs in, sets the headers, answers the page (./routes.ts). */
export type View = (handler: (ctx: Koa.Context) => Promise<string> | string) => Koa.Middleware;

/** An API listing's call log as the calls view, when the calls view is filtered to an API listing. */
export async function apiCallsView(kernel: Kernel, product: string, q: URLSearchParams): Promise<string> {
  const filters = { buyer: filterOf(q, "buyer"), outcome: filterOf(q, "outcome") };
  const calls = await searchApiCalls(kernel.db, { productId: product, buyerId: filters.buyer, outcome: filters.outcome, limit: 200 });
  return apiCallsPage({ products: kernel.products().map((p) => p.id), product, filters, calls });
}

export function registerKindViews(router: Router, kernel: Kernel, view: View): void {
  const codes = new LicenseCodeStore(kernel.db);
  const ids = (kind?: string) => kernel.products().filter((p) => !kind || p.kind === kind).map((p) => p.id);
  router.get(
    "/ops/orders",
    view(async (ctx) => {
      const product = filterOf(new URLSearchParams(ctx.querystring), "product");
      return ordersPage({ products: ids(), product, orders: await listOrders(kernel.db, { productId: product, limit: 200 }) });
    }),
  );
  router.get(
    "/ops/tenants",
    view(async (ctx) => {
      const saas = ids("saas");
      const product = filterOf(new URLSearchParams(ctx.querystring), "product") ?? saas[0] ?? "";
      return tenantsPage({ products: saas, product, tenants: product ? await listTenants(kernel.db, product) : [] });
    }),
  );
  router.get(
    "/ops/licences/:product",
    view(async (ctx) => {
      const productId = String(ctx.params.product).slice(0, MAX_FILTER);
      const listing = kernel.product(productId)?.product;
      const variant = listing?.kind === "license" ? (listing as LicenseProduct).variant : "-";
      const [codeRows, issued, relayDays] = await Promise.all([codes.list(productId, 200), listIssued(kernel.db, productId), relayUsageDays(kernel.db, productId)]);
      return licencesPage({ productId, variant, codes: codeRows, issued, relayDays });
    }),
  );
}
