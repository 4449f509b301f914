/**
 * `npm run build && node dist/bench/logger.js`: lines per second of koogate's logger, writing a typical
 * call line (the one `logCall` writes at info) to /dev/null. Not run by the tests.
 *
 *   before   the hand-written JSON logger koogate had before pino (its emit code, copied below)
 *   write    the pino logger through the `write` option, as the tests capture lines
 *   stderr   the pino logger's default: synchronous writes to fd 2 (a child process whose stderr is /dev/null)
 *   pretty   the pino logger's pretty format on stderr (a child process whose stderr is /dev/null):
 *            pino-pretty as a transport, formatting in a worker thread
 *   child    a child logger per line, bound to the product, activity and instance as an adapter's
 *            logger is (core/serving/call-context.ts), writing the rest of the call line
 *   nested   the same line with an object among its fields (`appInfo`), which pino's wildcard redact
 *            paths must walk: before, and pino through the `write` option
 *
 * Each case writes KOOGATE_BENCH_LINES lines (default 200 000) after a warm-up of a tenth of them.
 */
import { spawnSync } from "node:child_process";
import { openSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createLogger, type LogFields, type Logger } from "../core/logger.js";
import { benchSettings } from "../core/settings/tools.js";

const LINES = benchSettings().logLines;
const CALL = "call";
const FIELDS: LogFields = {
  product: "demo-saas",
  activity: "newInstance",
  instanceId: "c5c6a3f4-1f2b-4f3a-9d9e-6a2f1d0b7e11",
  resultCode: "000000",
  verdict: "processed",
  ms: 3.4,
  detail: undefined,
  test: undefined,
  signed: "canonical",
};
const NESTED: LogFields = { ...FIELDS, appInfo: { frontEndUrl: "https://demo.example/login", userName: "buyer" } };

/** The logger koogate had before pino, for this comparison only (core/logger.ts before the change). */
function before(write: (line: string) => void): Logger {
  const base: LogFields = {};
  const emit = (level: string, msg: string, fields?: LogFields) => {
    write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }));
  };
  const logger: Logger = {
    debug: () => {},
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: () => logger,
  };
  return logger;
}

/** Lines per second of `logger.info` with the call line, after a warm-up. */
function measure(logger: Logger, fields = FIELDS): number {
  for (let i = 0; i < LINES / 10; i++) logger.info(CALL, fields);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < LINES; i++) logger.info(CALL, fields);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return LINES / seconds;
}

/** Lines per second of a child logger made for each line, as each call makes one for its adapter. */
function measureChild(logger: Logger): number {
  const { product, activity, instanceId, ...rest } = FIELDS;
  const line = () => logger.child({ product, activity, instanceId }).info(CALL, rest);
  for (let i = 0; i < LINES / 10; i++) line();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < LINES; i++) line();
  return LINES / (Number(process.hrtime.bigint() - t0) / 1e9);
}

if (process.argv[2] === "--stderr" || process.argv[2] === "--pretty") {
  // the child of the "stderr" and "pretty" cases: its fd 2 is /dev/null; the figure goes to the parent on stdout
  process.stdout.write(String(measure(createLogger({ level: "info", format: process.argv[2] === "--pretty" ? "pretty" : "json" }))));
} else {
  const devNull = openSync("/dev/null", "w");
  const toDevNull = (line: string) => writeSync(devNull, line + "\n");
  const results: Array<[string, number]> = [
    ["before (hand-written)", measure(before(toDevNull))],
    ["pino, write option", measure(createLogger({ write: toDevNull }))],
    ["pino, stderr (default)", childCase(devNull, "--stderr")],
    ["pino, pretty (stderr)", childCase(devNull, "--pretty")],
    ["pino, child per line", measureChild(createLogger({ write: toDevNull }))],
    ["before, nested", measure(before(toDevNull), NESTED)],
    ["pino, nested", measure(createLogger({ write: toDevNull }), NESTED)],
  ];
  console.log(`${LINES} lines of a call line to /dev/null, Node ${process.version}`);
  for (const [name, rate] of results) {
    console.log(`${name.padEnd(24)} ${Math.round(rate).toLocaleString("en").padStart(10)} lines/s`);
  }
}

function childCase(devNull: number, flag: "--stderr" | "--pretty"): number {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, [self, flag], { stdio: ["ignore", "pipe", devNull], encoding: "utf8" });
  if (r.status !== 0) throw new Error(`the ${flag} case failed (${r.status ?? r.signal})`);
  return Number(r.stdout);
}
