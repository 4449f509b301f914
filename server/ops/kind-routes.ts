/**
 * The operator page's views of what the shared features and the kinds store: notified orders (the
 * core's order notification), then every view each registered kind declares (core/ops/views.ts:
 * a SaaS listing's tenants, a License listing's licences, …), registered by ./routes.ts behind the same
 * sign-in. The server names no kind: it serves whatever the kinds bring.
 */
import type Router from "@koa/router";
import type Koa from "koa";
import type { Kernel } from "../../core/kernel.js";
import { filterOf, MAX_FILTER, type OpsViewContext, type OwnCallLog } from "../../core/ops/views.js";
import { listOrders } from "../../core/store/order-view.js";
import { page, type NavEntry, type OpsPage } from "./html.js";
import { ordersPage } from "./pages.js";

export { filterOf, MAX_FILTER };

/** The routes' wrapper: signs in, sets the headers, answers the page (./routes.ts). */
export type View = (handler: (ctx: Koa.Context) => Promise<OpsPage> | OpsPage) => Koa.Middleware;

/** What the views of the registered kinds read with. */
export function viewContext(kernel: Kernel): OpsViewContext {
  return { db: kernel.db, products: () => kernel.products() };
}

/** The own call log of `productId`'s kind, when its calls skip the event log (an API listing's). */
export function ownCallLog(kernel: Kernel, productId: string): OwnCallLog | undefined {
  return kernel.product(productId)?.kind.ops?.calls;
}

/** Registers the orders view and every kind's views; answers the navigation entries of the kinds' views. */
export function registerKindViews(router: Router, kernel: Kernel, view: View): NavEntry[] {
  router.get(
    "/ops/orders",
    view(async (ctx) => {
      const product = filterOf(new URLSearchParams(ctx.querystring), "product");
      return ordersPage({ products: kernel.products().map((p) => p.id), product, orders: await listOrders(kernel.db, { productId: product, limit: 200 }) });
    }),
  );
  const context = viewContext(kernel);
  const nav: NavEntry[] = [];
  for (const kind of kernel.kinds) {
    for (const v of kind.ops?.views?.(context) ?? []) {
      router.get(
        v.path,
        view(async (ctx) => {
          const params: Record<string, string> = {};
          for (const [k, value] of Object.entries(ctx.params ?? {})) params[k] = String(value).slice(0, MAX_FILTER);
          const c = await v.render({ query: new URLSearchParams(ctx.querystring), params });
          return page(c.title, c.body);
        }),
      );
      if (v.nav !== undefined) nav.push([v.path, v.nav]);
    }
  }
  return nav;
}
