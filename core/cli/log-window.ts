/**
 * What the commands that read a log from the server's database share (`koogate events`, a kind's log
 * command such as `koogate calls`): the `--since`/`--limit` window and the missing-SQLite-file check.
 */
import { existsSync } from "node:fs";
import { str, UsageError, wholeOption, type Io, type Values } from "./args.js";

/** Parses `--since`: ISO time, ms since the epoch, or an age (`90s`, `10m`, `2h`, `1d`) before `now`. */
export function parseSince(value: string, now: number): number {
  const age = /^(\d+)(s|m|h|d)$/.exec(value);
  if (age) return now - Number(age[1]) * { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as "s" | "m" | "h" | "d"];
  if (/^\d{10,13}$/.test(value)) return Number(value);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`--since ${value} is neither an ISO time, ms since the epoch, nor an age like 10m`);
  return t;
}

/** `--limit` (1–100000, default 100) and `--since` of a log-reading command, checked. */
export function windowOf(values: Values): { limit: number; since?: number } {
  const limit = wholeOption(values, "limit", { min: 1, max: 100_000, dflt: 100 });
  const sinceText = str(values, "since");
  return { limit, since: sinceText === undefined ? undefined : parseSince(sinceText, Date.now()) };
}

/** Whether `url` names a SQLite file that does not exist (said on stderr): opening it would create it. */
export function missingDatabase(command: string, url: string, io: Io): boolean {
  const file = url.startsWith("sqlite:") ? url.slice("sqlite:".length) : undefined;
  if (file === undefined || file === ":memory:" || file === "" || existsSync(file)) return false;
  io.err(`koogate ${command}: no database at ${url}; start the server once (koogate serve), or set KOOGATE_DATABASE_URL to the one it uses`);
  return true;
}
