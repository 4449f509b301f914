/**
 * Argument parsing shared by the subcommands: node:util parseArgs, strict, with a usage error that
 * names the command's `--help`.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { parseWholeNumber } from "../numbers.js";
import { processEnvironment } from "../settings/environment.js";
import type { Environment } from "../settings/reader.js";

/** Where a command writes and what it reads; tests pass their own. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** the environment the command's settings are read from (core/settings/) */
  env: Environment;
}

export const processIo: Io = {
  out: (line) => process.stdout.write(line + "\n"),
  err: (line) => process.stderr.write(line + "\n"),
  env: processEnvironment(),
};

/** Exit codes: 0 all good, 1 a check or an expectation failed, 2 the command line is wrong. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** A wrong command line: printed with a pointer to `--help`, exit 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Parsed option values by name (`--help` included). */
export type Values = Record<string, string | boolean | undefined>;

/** parseArgs with `--help` added; unknown options and wrong types become a UsageError. */
export function parse(argv: string[], options: Options, allowPositionals = true): { values: Values; positionals: string[] } {
  try {
    const r = parseArgs({ args: argv, options: { help: { type: "boolean", short: "h" }, ...options }, allowPositionals, strict: true });
    return { values: r.values as Values, positionals: r.positionals };
  } catch (e) {
    throw new UsageError((e as Error).message.split("\n")[0]!.replace(/\. To specify a positional argument.*$/, ""));
  }
}

/** Formats option help lines: `  --name <value>   description (default: x)`. */
export function optionLines(options: Record<string, { type: "string" | "boolean"; description: string; default?: string }>): string[] {
  const rows = Object.entries(options).map(([name, o]) => [`--${name}${o.type === "string" ? " <value>" : ""}`, o.description + (o.default !== undefined ? ` (default: ${o.default})` : "")] as const);
  const width = Math.max(0, ...rows.map(([l]) => l.length));
  return rows.map(([l, d]) => `  ${l.padEnd(width)}  ${d}`);
}

/**
 * A whole-number option in decimal digits from `min` to `max` (`dflt` when absent); anything else
 * (`0x10`, `1e3`, `" 5 "`) is a UsageError naming the option.
 */
export function wholeOption(values: Values, name: string, o: { min: number; max: number; dflt: number; unit?: string }): number {
  const text = str(values, name);
  if (text === undefined) return o.dflt;
  const n = parseWholeNumber(text);
  if (n === undefined || n < o.min || n > o.max) throw new UsageError(`--${name} must be a whole number${o.unit ? ` of ${o.unit}` : ""} from ${o.min} to ${o.max}, in decimal digits`);
  return n;
}

/** A string option's value, or undefined. */
export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}
