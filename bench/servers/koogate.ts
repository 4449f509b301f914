/**
 * (b), (c), (d), (e): koogate itself — the composition root, the Koa app, a SQLite database — serving one
 * product with the benchmark adapter (answers at once), logging at info as `npm start` does.
 *
 *   node dist/bench/servers/koogate.js <sqlite file> <products folder>
 */
import "reflect-metadata";
import { readSettings, withServer } from "../../core/settings/index.js";
import { createKoogate } from "../../server/composition.js";
import { DemoLicenseAdapter } from "../../adapters/demo-license.js";
import { BenchSaasAdapter } from "../bench-adapter.js";
import { announce } from "./listen.js";

const settings = withServer(readSettings(), { databaseUrl: `sqlite:${process.argv[2]}`, productsDir: process.argv[3]!, port: 0 });
const koogate = await createKoogate({ settings, adapters: [BenchSaasAdapter, DemoLicenseAdapter] });
const server = await koogate.listen(0, "127.0.0.1");
announce(server, () => koogate.close());
