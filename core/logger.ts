/**
 * koogate's log lines, written by pino: one JSON object per line on stderr (or, for a person at a
 * terminal, pino-pretty's text, formatted by pino-pretty as a pino transport in a worker thread).
 * koogate logs a line per call and a line per setup problem; callers choose the fields, pino's child
 * loggers carry the fields of a call or a component, and the redact paths below make sure that a key,
 * a signature, a credential or a buyer's contact detail passed by mistake is printed as "[redacted]".
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
  /** where JSON lines go, one call per line without its newline; default stderr (fd 2), written synchronously */
  write?: (line: string) => void;
  /**
   * `json` or `pretty` (stderr only: pino-pretty runs as a transport in a worker thread, which cannot
   * call `write`); default json when `write` is given, else pretty when stderr is a TTY
   */
  format?: LogFormat;
  /** fields on every line */
  fields?: LogFields;
}

/**
 * A logger writing through pino, with koogate's redact paths; see `LoggerOptions` for the defaults.
 * @throws Error when `format` is pretty and `write` is given (a setup mistake of the caller)
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write;
  const format = opts.format ?? (write || !isatty(2) ? "json" : "pretty");
  if (format === "pretty" && write) throw new Error("a pretty logger writes to stderr through pino-pretty's transport; a write function receives JSON lines (format: json)");
  let destination: DestinationStream;
  const losses = new Losses();
  if (format === "pretty") destination = neverThrowing(prettyTransport(isatty(2), losses), losses);
  else destination = write ? neverThrowing({ write: (line) => write(line.slice(0, -1)) }, new Losses()) : neverThrowing(stderr(), stderrLosses, false);
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
  const root = new Branch({ flat: pinoWith(TOP_LEVEL_PATHS), nested: pinoWith(REDACT_PATHS) });
  return loggerOf(opts.fields ? root.child(opts.fields) : root);
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
 * A logger and its fields, as pino child loggers of the writers: made when the branch first writes a
 * line through that writer, so a child that logs one flat line (a call's) costs one pino child. A
 * branch with an object among its fields (its own or an ancestor's) writes through `nested` only,
 * since `flat`'s redact paths would not reach into it.
 */
class Branch {
  private flat?: Pino;
  private nested?: Pino;
  /** every field of this branch and its ancestors, the nearest one's value winning */
  readonly bound: LogFields;
  private readonly objectBound: boolean;

  constructor(
    readonly writers: Writers,
    private readonly parent?: Branch,
    private readonly fields: LogFields = {},
  ) {
    this.bound = parent ? { ...parent.bound, ...fields } : fields;
    this.objectBound = (parent?.objectBound ?? false) || hasObject(fields);
  }

  child(fields: LogFields): Branch {
    return new Branch(this.writers, this, fields);
  }

  /** The pino logger for a line with (`nested`) or without an object among its own fields. */
  pino(nested: boolean): Pino {
    const useNested = nested || this.objectBound;
    if (!this.parent) return useNested ? this.writers.nested : this.writers.flat;
    if (useNested) return (this.nested ??= this.parent.pino(true).child(this.fields));
    return (this.flat ??= this.parent.pino(false).child(this.fields));
  }

  /** Whether `fields` names a field a child's fields already hold (pino would print it twice). */
  rebinds(fields: LogFields): boolean {
    if (!this.parent) return false;
    for (const k in fields) if (Object.hasOwn(this.bound, k)) return true;
    return false;
  }
}

/**
 * The Logger of a branch. A line reads `level, time, the children's fields, msg, the call's fields`.
 * A field given both to a child and to the call would be printed twice by pino (the last one winning
 * in a JSON parser, a duplicate key in others); such a rare line is written by the root writers with
 * the fields merged, so each field is printed once with the call's value.
 */
function loggerOf(branch: Branch): Logger {
  const { writers } = branch;
  const method = (level: Exclude<LogLevel, "silent">) => {
    // a level below the threshold costs nothing
    if (!writers.flat.isLevelEnabled(level)) return () => {};
    return (msg: string, fields?: LogFields) => {
      if (fields === undefined) return branch.pino(false)[level]({ msg });
      if (branch.rebinds(fields)) {
        const merged = { msg, ...branch.bound, ...fields };
        return (hasObject(merged) ? writers.nested : writers.flat)[level](merged);
      }
      branch.pino(hasObject(fields))[level]({ msg, ...fields });
    };
  };
  return {
    debug: method("debug"),
    info: method("info"),
    warn: method("warn"),
    error: method("error"),
    child: (fields) => loggerOf(branch.child(fields)),
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
 * pino-pretty as a pino transport: it formats in a worker thread and writes to fd 2 synchronously.
 * pino ends the transport when the process exits, waiting for the worker to write what it was given,
 * so a CLI that exits right after logging loses no line. Stderr refusing writes (a full disk's ENOSPC)
 * ends the worker quietly, never this process: the lines the worker could not write are not counted,
 * the ones written to it after it ended are (thread-stream reports each as an `error`, heard here).
 */
function prettyTransport(colorize: boolean, losses: Losses): DestinationStream {
  const t = pino.transport({
    target: "pino-pretty",
    options: { destination: 2, sync: true, colorize, singleLine: true, translateTime: "SYS:HH:MM:ss.l" },
  }) as DestinationStream & NodeJS.EventEmitter;
  t.on("error", (e: unknown) => losses.lose(codeOf(e)));
  return t;
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
 * `d` with a write that never throws: a write that throws loses its line (counted in `losses`). After
 * the next line that goes through, one line says how many were lost, unless `notices` is false: stderr's
 * sonic-boom reports that itself, since its failed writes are held, not thrown.
 */
function neverThrowing(d: DestinationStream, losses: Losses, notices = true): DestinationStream {
  return {
    write(line: string) {
      try {
        d.write(line);
      } catch (e) {
        return losses.lose(codeOf(e));
      }
      const notice = notices ? losses.notice() : undefined;
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
