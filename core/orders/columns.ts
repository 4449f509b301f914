/**
 * Whether a fetched order fits the columns it is stored in (core/store/migrations/20261201090000_orders.ts)
 * on both databases (issue 24, finding 10: a 322-character line id meant for a 64-character column,
 * `periodNumber` 1e308 for an integer one). SQLite stores any of these without a word and PostgreSQL
 * refuses them, so the check is koogate's: every field against its column, before any statement.
 *
 * An order that does not fit is refused whole, naming the line, the field and the bound; nothing is
 * clipped: an id cut to fit could become another line's, an amount cut would be another amount.
 */
import type { NotifiedOrder } from "./order.js";

/** Characters of each text column (PostgreSQL's varchar(n) counts characters, not bytes). */
const TEXT_COLUMNS = {
  orderId: 64,
  orderType: 32,
  orderLineId: 64,
  chargingMode: 32,
  periodType: 32,
  productId: 64,
  skuCode: 64,
  amount: 32,
  amountAfterDiscount: 32,
} as const satisfies Partial<Record<keyof NotifiedOrder, number>>;

/** `period_number` is a 4-byte integer on both databases. */
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** A value shown in a reason: at most 40 characters, the rest counted. */
function shown(v: unknown): string {
  const text = typeof v === "string" ? JSON.stringify(v) : String(v);
  return text.length <= 40 ? text : `${text.slice(0, 40)}… (${text.length} characters)`;
}

/** Why `line` cannot be stored as it is; undefined when every field fits its column. */
function unfitField(line: NotifiedOrder): string | undefined {
  for (const [field, max] of Object.entries(TEXT_COLUMNS) as Array<[keyof typeof TEXT_COLUMNS, number]>) {
    const v = line[field];
    if (v === undefined) continue;
    // PostgreSQL's text cannot hold U+0000 at all
    if (v.includes("\u0000")) return `${field} ${shown(v)} holds a NUL character`;
    const chars = [...v].length;
    if (chars > max) return `${field} ${shown(v)} is ${chars} characters, its column holds ${max}`;
  }
  if (line.orderLineId === "") return "orderLineId is empty";
  const n = line.periodNumber;
  if (n !== undefined && !(Number.isInteger(n) && n >= INT32.min && n <= INT32.max)) return `periodNumber ${shown(n)} is not a whole number from ${INT32.min} to ${INT32.max}`;
  if (line.linearValue !== undefined && !Number.isFinite(line.linearValue)) return `linearValue ${shown(line.linearValue)} is not a finite number`;
  for (const field of ["expireAt", "createdAt"] as const) {
    const t = line[field]?.getTime();
    if (t !== undefined && !(Number.isSafeInteger(t) && t >= 0 && t < Date.UTC(10000, 0))) return `${field} is not a time koogate can store`;
  }
  return undefined;
}

/** Why `lines` (one order's) cannot be stored, naming the first line and field that do not fit; undefined when all fit. */
export function unfitOrder(lines: readonly NotifiedOrder[]): string | undefined {
  for (const [i, line] of lines.entries()) {
    const why = unfitField(line);
    if (why) return `line ${i + 1} of ${lines.length}${line.orderLineId && [...line.orderLineId].length <= 64 ? ` (${line.orderLineId})` : ""}: ${why}`;
  }
  return undefined;
}
