/**
 * `koogate events`: the server's event log (core/store/events.ts), read from the database the server
 * uses (KOOGATE_DATABASE_URL, same default): when each call came, for which product, activity and
 * instance, the verdict, the result code and how long it took.
 */
import { loadProject } from "../../core/project/index.js";
import { createDatabase, redactUrl } from "../../core/store/database.js";
import { EventLog, type EventRecord } from "../../core/store/events.js";
import { EXIT, optionLines, parse, str, type Io } from "../../core/cli/args.js";
import { missingDatabase, windowOf } from "../../core/cli/log-window.js";

const OPTIONS = {
  product: { type: "string", description: "only this product id" },
  instance: { type: "string", description: "only this instanceId" },
  since: { type: "string", description: "only events from then on: an ISO time, ms since the epoch, or an age like 30s, 10m, 2h, 1d" },
  limit: { type: "string", description: "at most this many (the newest)", default: "100" },
  json: { type: "boolean", description: "print JSON instead of text" },
} as const;

export const eventsHelp = [
  "Usage: koogate events [--product P] [--instance I] [--since T] [--limit N] [--json]",
  "",
  "Prints the event log of the server's database (KOOGATE_DATABASE_URL, else the project's koogate config",
  "\"database\", default sqlite:data/koogate.sqlite),",
  "oldest first: time, product, activity, instance, verdict, result code, latency.",
  "",
  ...optionLines({ ...OPTIONS, help: { type: "boolean", description: "show this help" } }),
].join("\n");

export async function events(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, OPTIONS, false);
  if (values.help) {
    io.out(eventsHelp);
    return EXIT.ok;
  }
  const { limit, since } = windowOf(values);
  const url = (await loadProject({ env: io.env, importAdapters: false })).config.databaseUrl;
  const shown = redactUrl(url);
  if (missingDatabase("events", url, io)) return EXIT.failed;
  const db = createDatabase(url);
  try {
    if (!(await db.schema.hasTable("koogate_events"))) {
      io.err(`koogate events: ${shown} has no event log yet; start the server once (koogate serve)`);
      return EXIT.failed;
    }
    const rows = await new EventLog(db).list({ productId: str(values, "product"), instanceId: str(values, "instance"), since, limit });
    if (values.json) {
      io.out(JSON.stringify(rows.map(publicFields), null, 2));
      return EXIT.ok;
    }
    if (rows.length === 0) {
      io.out("no events");
      return EXIT.ok;
    }
    for (const line of formatEvents(rows)) io.out(line);
    return EXIT.ok;
  } finally {
    await db.destroy();
  }
}

/** The fields printed: the stored response body is left out (it is in the database, redacted). */
function publicFields(r: EventRecord) {
  return {
    time: new Date(r.at).toISOString(),
    product: r.productId,
    activity: r.activity,
    instanceId: r.instanceId ?? null,
    verdict: r.verdict,
    resultCode: r.resultCode,
    durationMs: r.durationMs,
    test: r.test,
    detail: r.detail ?? null,
  };
}

/**
 * The events as aligned lines: each column as wide as its widest value among `rows` (an activity such
 * as `updateLicenseCodeStatus` is longer than a SaaS one, a product id has no fixed length).
 */
export function formatEvents(rows: readonly EventRecord[]): string[] {
  const cells = rows.map((r) => [new Date(r.at).toISOString(), r.productId, r.activity || "-", r.instanceId || "-", r.verdict, r.resultCode, `${r.durationMs} ms`]);
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((c) => c[i]!.length))) ?? [];
  return rows.map((r, n) => {
    const cols = cells[n]!.map((c, i) => (i === cells[n]!.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)));
    const extra = [r.test ? "test" : "", r.detail ?? ""].filter(Boolean).join(" · ");
    return (cols.join("  ") + (extra ? `  ${extra}` : "")).trimEnd();
  });
}
