/**
 * HTML for the operator page, built with one tagged template: every value put into `html\`…\`` is
 * escaped by `escapeHtml` unless it is already `Html` (made by this template). Order ids, instance ids,
 * error details and anything else that came from the marketplace or an adapter can therefore only ever
 * appear as text. The building blocks live here, beside the views' contract (./views.ts), so that a
 * kind draws its own views with them; server/ops/html.ts wraps a view into the whole page.
 */

/** Markup already escaped (made by `html`). */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Readonly<Record<string, string>> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** The one escaping function: text safe in an element and in a quoted attribute. */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** The template: strings as written, values escaped; arrays are joined, `Html` values kept. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += piece(v) + strings[i + 1]!;
  });
  return new Html(out);
}

function piece(v: unknown): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(piece).join("");
  if (v === undefined || v === null || v === false) return "";
  return escapeHtml(v);
}

/** A table: headers, then rows of cells (text or `Html`); a note when there are no rows. */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>, empty = "nothing yet"): Html {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`,
  )}</tbody></table>`;
}

/** A time (ms) as ISO text, to the second. */
export function time(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "-" : new Date(ms).toISOString().replace("T", " ").slice(0, 19);
}

/** A filter's drop-down: "any", then `options`, `value` selected. */
export function select(name: string, options: readonly string[], value?: string): Html {
  return html`<select name="${name}"><option value="">any</option>${options.map((o) => html`<option${o === value ? html` selected` : ""}>${o}</option>`)}</select>`;
}

/** A link to an instance's page (its history and jobs), or "-" without one. */
export const instanceLink = (product: string, id: string | null | undefined) =>
  id ? html`<a href="/ops/instances/${encodeURIComponent(product)}/${encodeURIComponent(id)}">${id}</a>` : "-";
