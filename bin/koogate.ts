#!/usr/bin/env node
/**
 * The `koogate` executable (package.json "bin"). reflect-metadata must load before any adapter class
 * is imported: their decorators record constructor metadata for the container. The command line is
 * loaded only after server/stop-signals.js: for `koogate serve`, a SIGTERM while the rest loads, or
 * npm gone meanwhile, is then a stop once started, not a kill half-way (issue 20).
 */
import { catchEarlyStop } from "../server/stop-signals.js";
import "reflect-metadata";

if (process.argv[2] === "serve" || process.argv[2] === "start") catchEarlyStop();
const { runAsProcess } = await import("./cli.js");
await runAsProcess(process.argv.slice(2));
