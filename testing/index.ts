/**
 * `import { … } from "koogate/testing"`: tools for a merchant's own tests, the same koogate's tests use.
 * Start the project on a temporary database (`startProject`), play the marketplace against it with the
 * simulator (`sim`), send single signed calls (`send`), and read the event log (`events`).
 */
import "reflect-metadata";

export { startKoogate, startProject, type SimReport, type StartKoogateOptions, type StartProjectOptions, type TestKoogate } from "./server.js";
export { readReply, sendSigned, type Reply, type SendOptions } from "./client.js";
export { freshDatabaseUrl, testDatabaseKind } from "./database.js";
export type { EventRecord } from "../core/store/events.js";
export type { RunReport } from "../sim/runner.js";
export { SCENARIOS } from "../sim/scenarios/index.js";
