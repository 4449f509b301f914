/**
 * What a kind shows on the operator page (/ops) besides what the core shows of every listing (calls,
 * instances, jobs, usage records, orders): its own views, the links to them on the listing pages, and,
 * for a kind whose calls are not in the event log, its own call log. A kind declares these as
 * `Kind.ops` (core/kinds/kind.ts); server/ops registers every view behind the page's sign-in and wraps
 * its content in the page (server/ops/html.ts). A view reads the database and draws its content with
 * ./html.ts, which escapes every value.
 */
import type { Knex } from "knex";
import type { ProductBase } from "../products/definition.js";
import type { CallShare } from "../store/call-shares.js";
import type { CallSource } from "../store/series.js";
import type { Html } from "./html.js";

/** Longest value of a filter or path parameter kept; the columns filtered are no longer. */
export const MAX_FILTER = 64;

/** A filter of the query string: trimmed, cut to MAX_FILTER, absent when empty. */
export const filterOf = (q: URLSearchParams, name: string): string | undefined => q.get(name)?.trim().slice(0, MAX_FILTER) || undefined;

/** What a kind's views read with. */
export interface OpsViewContext {
  readonly db: Knex;
  /** every loaded product, of every kind */
  products(): readonly ProductBase[];
}

/** One request to a view: its query string, and its path's parameters cut to MAX_FILTER. */
export interface OpsViewRequest {
  query: URLSearchParams;
  params: Readonly<Record<string, string>>;
}

/** A view's content: the page's title and body (the server adds the navigation around it). */
export interface OpsContent {
  title: string;
  body: Html;
}

/** A page of a kind, answered to GET. */
export interface OpsView {
  /** its path, under /ops, with `:name` parameters: "/ops/tenants", "/ops/licences/:product" */
  path: string;
  /** its label in the page's navigation, for a view that needs no parameter; none: reached by links only */
  nav?: string;
  render(req: OpsViewRequest): Promise<OpsContent>;
}

/** A link on a listing's row (the "Records" column of the overview and of the listing's page). */
export interface OpsLink {
  text: string;
  href: string;
}

/**
 * The call log of a kind whose calls skip the pipeline and its event log (an API gateway's calls):
 * the operator page counts their failure share and draws their charts from it, and shows it as the
 * calls view of such a listing (/ops/calls?product=<id>).
 */
export interface OwnCallLog {
  /** how its rows count as calls, successes, refusals and deadline answers (core/store/series.ts) */
  readonly source: CallSource;
  /** per product, its calls since `since` (ms) and their failures */
  shares(db: Knex, products: readonly string[], since: number): Promise<Map<string, CallShare>>;
  /** the calls view of `product`, filtered by the query */
  view(ctx: OpsViewContext, product: string, query: URLSearchParams): Promise<OpsContent>;
}

/** What a kind brings to the operator page (`Kind.ops`). */
export interface KindOps<P extends ProductBase = ProductBase> {
  /** the links on one of its listings' rows to its views (after the core's calls, orders, usage records) */
  links?(product: P): readonly OpsLink[];
  /** its views, built once when the page is registered */
  views?(ctx: OpsViewContext): readonly OpsView[];
  /** where its calls are, when not in the event log */
  readonly calls?: OwnCallLog;
}
