/**
 * `node dist/server/main.js`: the same as `koogate serve` (bin/commands/serve.ts), kept so that
 * process managers and the tests that start koogate as a process have a fixed entry point. Setup
 * problems print one readable message (file, path, fix) and exit with status 1.
 */
import "reflect-metadata";
import { runAsProcess } from "../bin/cli.js";

await runAsProcess(["serve", ...process.argv.slice(2)]);
