/**
 * Reads variables of the settings table from one environment and collects every problem instead of
 * stopping at the first: a deployment with three wrong settings learns of all three at once. Each
 * problem names the variable, the value given (never a secret's) and what is expected.
 */
import { SetupError } from "../errors.js";
import { parseDecimal, parseWholeNumber } from "../numbers.js";
import { settingRow, type SettingVariable } from "./table.js";

/** A read-only view of environment variables. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface SettingProblem {
  variable: string;
  /** the value as given; undefined for a secret */
  value?: string;
  /** what the variable must be, e.g. "a whole number from 1 to 64" */
  expected: string;
}

/** Every problem of the settings, one line each. */
export class SettingsError extends SetupError {
  override name = "SettingsError";
  constructor(readonly problems: readonly SettingProblem[]) {
    super(problems.length === 1 ? problemLine(problems[0]!) : `${problems.length} settings cannot be used:\n${problems.map((p) => `  ${problemLine(p)}`).join("\n")}`);
  }
}

function problemLine(p: SettingProblem): string {
  return `${p.variable}${p.value === undefined ? "" : `="${p.value.slice(0, 80)}"`}: must be ${p.expected}`;
}

export class SettingsReader {
  readonly problems: SettingProblem[] = [];
  constructor(readonly env: Environment) {}

  /** The variable's text, trimmed; undefined when unset or blank. */
  text(variable: SettingVariable): string | undefined {
    settingRow(variable);
    const v = this.env[variable]?.trim();
    return v ? v : undefined;
  }

  /** Records a problem of `variable` (its value shown unless it is a secret). */
  problem(variable: SettingVariable, expected: string): void {
    const row = settingRow(variable);
    this.problems.push({ variable, value: row.secret ? undefined : this.env[variable], expected });
  }

  /** A whole number in decimal digits within the row's bounds; the row's default when unset. */
  whole(variable: SettingVariable, dflt = settingRow(variable).default as number): number {
    return this.bounded(variable, dflt, parseWholeNumber, "a whole number");
  }

  /** A decimal number (`1.5`) within the row's bounds; the row's default when unset. */
  decimal(variable: SettingVariable): number {
    return this.bounded(variable, settingRow(variable).default as number, parseDecimal, "a number");
  }

  /** One of the row's values; `dflt` (else the row's default) when unset. */
  oneOf<T extends string>(variable: SettingVariable, dflt?: T): T {
    const row = settingRow(variable);
    const fallback = (dflt ?? row.default) as T;
    const raw = this.text(variable);
    if (raw === undefined) return fallback;
    if (!row.values!.includes(raw)) {
      this.problem(variable, `one of ${row.values!.join(", ")}`);
      return fallback;
    }
    return raw as T;
  }

  /** Throws every problem collected, if any. */
  finish(): void {
    if (this.problems.length > 0) throw new SettingsError(this.problems);
  }

  private bounded(variable: SettingVariable, dflt: number, parse: (t: string) => number | undefined, what: string): number {
    const row = settingRow(variable);
    const raw = this.env[variable];
    if (raw === undefined || raw === "") return dflt;
    const n = parse(raw);
    const min = row.min ?? 0;
    const max = row.max ?? Number.MAX_SAFE_INTEGER;
    if (n === undefined || n < min || n > max) {
      this.problem(variable, `${what} from ${min} to ${max}`);
      return dflt;
    }
    return n;
  }
}
