/**
 * The `koogate` command line: dispatches to a subcommand and maps its outcome to an exit code.
 * Kept apart from bin/koogate.ts (the executable) so tests can run it in-process.
 */
import { readFileSync } from "node:fs";
import { EXIT, processIo, UsageError, type Io } from "../core/cli/args.js";
import { KINDS } from "../core/kinds/index.js";
import { kindCommands } from "../core/kinds/registry.js";
import { check } from "./commands/check.js";
import { events } from "./commands/events.js";
import { init } from "./commands/init.js";
import { marketplace } from "./commands/marketplace.js";
import { migrate } from "./commands/migrate.js";
import { serve } from "./commands/serve.js";
import { reconcileCommand } from "./commands/reconcile.js";
import { sim } from "./commands/sim.js";
import { usage } from "./commands/usage.js";

type Command = { run: (argv: string[], io: Io) => Promise<number>; summary: string };

/** The core's commands; each registered kind adds its own (`Kind.commands`), listed after these. */
const CORE_COMMANDS: Record<string, Command> = {
  init: { run: init, summary: "scaffold a project here: config, a product, a TypeScript adapter, a test, npm scripts" },
  serve: { run: serve, summary: "serve the project here (its koogate config, adapters and products); alias: start" },
  migrate: { run: migrate, summary: "bring the database to the newest schema and exit (a deployment's migration job)" },
  check: { run: check, summary: "validate every product definition; show URLs, adapters and which key variables are set" },
  sim: { run: sim, summary: "play KooGallery against a running server: sign, send, check every answer" },
  events: { run: events, summary: "read the server's event log" },
  usage: { run: usage, summary: "record pay-per-use usage (corrections, backfills) and list each record's state" },
  marketplace: { run: marketplace, summary: "serve KooGallery's open APIs locally (AK/SK checked, mock orders, test codes, faults)" },
  reconcile: { run: reconcileCommand, summary: "compare every order koogate knows with the marketplace's query order; exit 1 when any is off" },
};

/** Every command: the core's, then those of the kinds registered when asked; a kind cannot replace a core command. */
function commands(): Readonly<Record<string, Command>> {
  const own = Object.entries(kindCommands(KINDS)).filter(([name]) => !Object.hasOwn(CORE_COMMANDS, name));
  return { ...CORE_COMMANDS, ...Object.fromEntries(own) };
}

/** `koogate --help`: the core's commands, then every registered kind's. */
export function mainHelp(): string {
  return [
    "Usage: koogate <command> [options]",
    "",
    "Commands:",
    ...Object.entries(commands()).map(([name, c]) => `  ${name.padEnd(11)} ${c.summary}`),
    "",
    "Run koogate <command> --help for a command's options.",
    "Every command reads the project in this folder: its koogate config (koogate.config.js/.mjs/.json, or",
    "\"koogate\" in package.json) and the environment (KOOGATE_PRODUCTS, KOOGATE_DATABASE_URL, NODE_ENV and",
    "the products' key variables). The guide: node_modules/koogate/docs/guide.md",
  ].join("\n");
}

/** Runs one command line; resolves to the exit code. Never throws. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === "--version" || name === "-v") {
    io.out(version());
    return EXIT.ok;
  }
  const all = commands();
  const wanted = name === "start" ? "serve" : name;
  const command = Object.hasOwn(all, wanted) ? all[wanted] : undefined;
  if (!command) {
    io.err(`koogate: unknown command "${name}"; one of ${Object.keys(all).join(", ")} (koogate --help)`);
    return EXIT.usage;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`koogate ${name}: ${e.message}`);
      if (!e.message.includes("--help")) io.err(`Run koogate ${name} --help for the options.`);
      return EXIT.usage;
    }
    // a SetupError's message names the file, the path and the fix; anything else says what failed
    io.err(`koogate ${name}: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.failed;
  }
}

/**
 * After a command finished, how long the process may take to end by itself before it is ended: a
 * handle left open (a database pool a failed start opened, a timer) must not keep a finished command
 * — a server that could not start — alive, where no supervisor would restart it (issue 20, "Fail fast").
 */
export const EXIT_GRACE_MS = 2_000;

/** Runs a command line as this process's whole work: the command's exit code, at the latest EXIT_GRACE_MS after it finished. */
export async function runAsProcess(argv: string[]): Promise<void> {
  const code = await main(argv);
  process.exitCode = code;
  setTimeout(() => process.exit(code), EXIT_GRACE_MS).unref();
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}
