/**
 * What the operator page shows of a License listing beyond the core's views (core/ops/views.ts): its
 * authorization codes (variant code; the table holds a digest and the last four characters, never the
 * code, a bearer credential), the licences an adapter issued (online and 1.0 variants) and the relay's
 * usage reports per day, linked from the listing's row.
 */
import { html, instanceLink, table, time, type Html } from "../../ops/html.js";
import type { KindOps, OpsContent } from "../../ops/views.js";
import { listIssued, relayUsageDays, type IssuedView, type RelayUsageDay } from "./licence-view.js";
import { LicenseCodeStore, type CodeRow } from "./codes.js";
import type { LicenseProduct } from "./product.js";

const yes = (b: boolean) => (b ? "yes" : "no");
const stateCell = (s: string, bad: readonly string[]) => html`<span class="${bad.includes(s) ? "bad" : "ok"}">${s}</span>`;

/** A License listing's codes, the licences issued and the relay's usage reports per day. */
export function licencesContent(d: { productId: string; variant: string; codes: CodeRow[]; issued: IssuedView[]; relayDays: RelayUsageDay[] }): OpsContent {
  const codes = table(
    ["Code (last four)", "Status", "Marketplace says", "Order", "Expires", "Activated", "Last query", "Test", "Updated"],
    d.codes.map((c) => [
      html`<code>…${c.codeHint}</code>`,
      stateCell(c.status, ["frozen", "released"]),
      c.marketplaceStatus ?? "-",
      c.orderId ? html`<a href="/ops/calls?order=${encodeURIComponent(c.orderId)}">${c.orderId}</a>` : "-",
      time(c.expireAt),
      time(c.activatedAt),
      time(c.lastQueryAt),
      yes(c.test),
      time(c.updatedAt),
    ]),
    "no authorization code seen yet",
  );
  const issued = table(
    ["Request key", "Instance", "Event", "State", "File", "Test", "Created", "Uploaded", "Updated"],
    d.issued.map((l) => [html`<code>${l.requestKey}…</code>`, instanceLink(d.productId, l.instanceId), l.eventId ?? "-", stateCell(l.state, ["failed"]), l.fileName ?? "-", yes(l.test), time(l.createdAt), time(l.uploadedAt), time(l.updatedAt)]),
    "no licence issued yet",
  );
  const relay = table(
    ["Day (UTC)", "Reports", "Codes", "Sent"],
    d.relayDays.map((r) => [r.day, r.reports, r.codes, r.sent]),
    "no usage reported to the relay",
  );
  const parts: Html[] = [html`<p>Variant <code>${d.variant}</code></p>`, html`<h2>Authorization codes</h2>${codes}`, html`<h2>Licences issued</h2>${issued}`, html`<h2>Relay usage reports</h2>${relay}`];
  return { title: `Licences of ${d.productId}`, body: html`${parts}` };
}

export const LICENSE_OPS: KindOps<LicenseProduct> = {
  links: (p) => [{ text: "licences", href: `/ops/licences/${encodeURIComponent(p.id)}` }],
  views: (ctx) => {
    const codes = new LicenseCodeStore(ctx.db);
    return [
      {
        path: "/ops/licences/:product",
        async render({ params }) {
          const productId = params.product ?? "";
          const listing = ctx.products().find((p) => p.id === productId);
          const variant = listing?.kind === "license" ? (listing as LicenseProduct).variant : "-";
          const [codeRows, issued, relayDays] = await Promise.all([codes.list(productId, 200), listIssued(ctx.db, productId), relayUsageDays(ctx.db, productId)]);
          return licencesContent({ productId, variant, codes: codeRows, issued, relayDays });
        },
      },
    ];
  },
};
