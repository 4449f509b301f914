/**
 * `node dist/server/main.js`: the same as `koogate serve` (bin/commands/serve.ts), kept so that
 * process managers and the tests that start koogate as a process have a fixed entry point. Setup
 * problems print one readable message (file, path, fix) and exit with status 1. Like bin/koogate.ts,
 * it listens for a stop before it loads the rest.
 */
import { catchEarlyStop } from "./stop-signals.js";
import "reflect-metadata";

catchEarlyStop();
const { runAsProcess } = await import("../bin/cli.js");
await runAsProcess(["serve", ...process.argv.slice(2)]);
