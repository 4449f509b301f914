/**
 * koogate's log lines, written by pino: one JSON object per line on stderr (or, for a person at a
 * terminal, pino-pretty's text). koogate logs a line per call and a line per setup problem; callers
 * choose the fields, and the redact paths below make sure that a key, a signature, a credential or a
 * buyer's contact detail passed by mistake is printed as "[redacted]".
 *
 * A line that cannot be written is lost, never the process: pino's destination (sonic-boom) reports a
 * failed write — a full disk's ENOSPC, an EIO — by emitting `error`, and pino's own listener passes on
 * everything but EPIPE, so without one of ours the first failed write threw out of whatever was
 * logging (a call, a timer) and ended the process. Here stderr's `error` is heard, the lines waiting
 * meanwhile are held up to `MAX_WAITING_BYTES` and then dropped, any other destination's throwing write
 * loses its line; lost lines are counted (`lostLogLines()`), and once a line is written again one more
 * says how many were lost.
 */
import { pino, type DestinationStream, type Logger as Pino } from "pino";
import type { SonicBoom } from "sonic-boom";
import { prettyFactory } from "pino-pretty";
import { isatty } from "node:tty";
import type { LogFormat, LogLevel } from "./settings/server.js";

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** a logger that adds `fields` to every line */
  child(fields: LogFields): Logger;
}

/**
 * Field names whose values are never printed, wherever koogate puts them: product keys and signatures,
 * the credentials of AppInfo and of the joint-operation sync (clientSecret), the 1.0 authToken, Huawei
 * AK/SK pairs, and the buyer's phone number and e-mail address (docs/marketplace/saas.md §5's tenant and user sync).
 */
export const REDACTED_FIELDS = [
  "key",
  "keys",
  "accessKey",
  "secretKey",
  "secret",
  "privateKey",
  "kitKey",
  "ak",
  "sk",
  "AK",
  "SK",
  "signature",
  "sign",
  "bodySign",
  "authorization",
  "authToken",
  "password",
  "clientSecret",
  "mobilePhone",
  "phone",
  "email",
] as const;

/**
 * The pino redact paths: each field at the top of a line and one or two levels down (`*.password`
 * covers `appInfo.password`, `*.*.email` covers `sync.users.email` and `users[0].email`). Deeper values
 * are not redacted, so a caller must not log whole request bodies; koogate logs none.
 */
export const REDACT_PATHS: readonly string[] = REDACTED_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);

/**
 * The paths without a wildcard. pino 10's redaction runs every wildcard path over every field of a line,
 * strings included, which made a call line 15 to 20 times slower to write (bench/logger.ts); a line whose
 * fields are all strings, numbers or booleans cannot hold anything a wildcard path matches, so these
 * paths redact it exactly as the full list would.
 */
const TOP_LEVEL_PATHS = REDACT_PATHS.filter((p) => !p.includes("*"));

/** What a redacted value is printed as. */
export const REDACTED = "[redacted]";

export interface LoggerOptions {
  /** lowest level written; default info */
  level?: LogLevel;
  /** where lines go, one call per line without its newline; default stderr (fd 2), written synchronously */
  write?: (line: string) => void;
  /** `json` or `pretty`; default json when `write` is given, else pretty when stderr is a TTY */
  format?: LogFormat;
  /** fields on every line */
  fields?: LogFields;
}

/** A logger writing through pino, with koogate's redact paths; see `LoggerOptions` for the defaults. */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write;
  const format = opts.format ?? (write || !isatty(2) ? "json" : "pretty");
  let destination: DestinationStream;
  if (format === "pretty") destination = prettyDestination(write ?? ((text) => stderr().write(text + "\n")), !write && isatty(2));
  else destination = write ? { write: (line) => write(line.slice(0, -1)) } : stderr();
  destination = neverThrowing(destination, !write);
  const pinoWith = (paths: readonly string[]) =>
    pino(
      {
        level: opts.level ?? "info",
        // no pid and hostname: the same fields as koogate's lines always had
        base: undefined,
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: [...paths], censor: REDACTED },
      },
      destination,
    );
  return bind({ flat: pinoWith(TOP_LEVEL_PATHS), nested: pinoWith(REDACT_PATHS) }, opts.fields ?? {});
}

/**
 * Two pino instances on one destination, differing only in their redact paths: `nested` for a line with
 * an object or array among its fields, `flat` for any other.
 */
interface Writers {
  flat: Pino;
  nested: Pino;
}

/**
 * A Logger over the writers. The fields are merged here rather than with pino's `child()`, which would
 * print the child's fields before `msg` and print a field given both to the child and to the call twice;
 * merged here, a line reads `level, time, msg, fields` and the call's value wins, as before pino.
 */
function bind(writers: Writers, base: LogFields): Logger {
  const method = (level: Exclude<LogLevel, "silent">) => {
    // a level below the threshold costs nothing, not even the merge of the fields
    if (!writers.flat.isLevelEnabled(level)) return () => {};
    return (msg: string, fields?: LogFields) => {
      const line = { msg, ...base, ...fields };
      (hasObject(line) ? writers.nested : writers.flat)[level](line);
    };
  };
  return {
    debug: method("debug"),
    info: method("info"),
    warn: method("warn"),
    error: method("error"),
    child: (fields) => bind(writers, { ...base, ...fields }),
  };
}

function hasObject(fields: LogFields): boolean {
  for (const k in fields) {
    const v = fields[k];
    if (typeof v === "object" && v !== null) return true;
  }
  return false;
}

/**
 * pino-pretty's formatter called inline. Its stream form (`pinoPretty()`) passes each line through a
 * Node Transform and pipe, which may hand a line on at a later tick, so a CLI that exits right after
 * logging could lose it; called here, the line is out before the log call returns.
 */
function prettyDestination(out: (text: string) => void, colorize: boolean): DestinationStream {
  const pretty = prettyFactory({ colorize, singleLine: true, translateTime: "SYS:HH:MM:ss.l" });
  return { write: (line) => out(pretty(line).replace(/\n$/, "")) };
}

/** Bytes of log lines held while fd 2 refuses writes; past it new lines are dropped (and counted). */
export const MAX_WAITING_BYTES = 4 * 1024 * 1024;

let lost = 0;

/** How many log lines could not be written since the process started. */
export function lostLogLines(): number {
  return lost;
}

/** One destination's lines lost since the last one it wrote, and the error that lost the first. */
class Losses {
  private unreported?: { count: number; error: string };

  lose(error: string): void {
    lost++;
    this.unreported = { count: (this.unreported?.count ?? 0) + 1, error: this.unreported?.error ?? error };
  }

  /** The line saying how many were lost since the last one written, once; undefined when none were. */
  notice(): string | undefined {
    if (!this.unreported) return undefined;
    const { count, error } = this.unreported;
    this.unreported = undefined;
    return `${JSON.stringify({ level: "warn", time: new Date().toISOString(), msg: "log lines lost: the log destination refused them", count, error })}\n`;
  }
}

const codeOf = (e: unknown) => (e as NodeJS.ErrnoException)?.code ?? String((e as Error)?.message ?? e);

/**
 * `d` with a write that never throws: a write that throws loses its line (counted). After the next line
 * that goes through, one line says how many were lost; `onFd2` destinations (sonic-boom on stderr)
 * report that themselves, since their failed writes are held, not thrown.
 */
function neverThrowing(d: DestinationStream, onFd2: boolean): DestinationStream {
  const losses = onFd2 ? stderrLosses : new Losses();
  return {
    write(line: string) {
      try {
        d.write(line);
      } catch (e) {
        return losses.lose(codeOf(e));
      }
      const notice = onFd2 ? undefined : losses.notice();
      if (notice) {
        try {
          d.write(notice);
        } catch {
          // the destination failed again: the next line that goes through reports nothing more
        }
      }
    },
  };
}

let stderrStream: SonicBoom | undefined;
const stderrLosses = new Losses();

/**
 * One synchronous writer on fd 2 for every logger of the process, so no line waits in a buffer at exit.
 * A failed write (`error`) keeps its bytes and is tried again with the next line; lines arriving
 * meanwhile are held up to `MAX_WAITING_BYTES`, the ones past it dropped (`drop`) and counted.
 */
function stderr(): SonicBoom {
  if (stderrStream) return stderrStream;
  const s = pino.destination({ dest: 2, sync: true, maxLength: MAX_WAITING_BYTES });
  let lastError = "";
  s.on("error", (e: unknown) => void (lastError = codeOf(e)));
  s.on("drop", () => stderrLosses.lose(lastError || "held lines past MAX_WAITING_BYTES"));
  s.on("write", () => {
    const notice = stderrLosses.notice();
    if (notice) s.write(notice);
  });
  return (stderrStream = s);
}
