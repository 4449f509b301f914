/**
 * A koogate started for a test: the real composition root on a loopback port and a fresh database, with
 * the marketplace's side played by the simulator (sim/) and the event log readable. koogate's own tests
 * and a merchant's (`koogate/testing`) start it the same way.
 */
import type { AdapterClass } from "../core/adapters.js";
import { processEnvironment, readSettings, withServer, type Config, type Environment } from "../core/settings/index.js";
import type { Kind } from "../core/kinds/kind.js";
import { createLogger, type Logger } from "../core/logger.js";
import { loadProject } from "../core/project/index.js";
import { EventLog, type EventRecord } from "../core/store/events.js";
import type { MarketplaceClient } from "../core/marketplace/client.js";
import type { Clock } from "../core/tokens.js";
import { createKoogate, type Koogate } from "../server/composition.js";
import { runScenario, type RunReport } from "../sim/runner.js";
import type { OptionValues } from "../core/simulation/scenario.js";
import { findScenario, SCENARIOS } from "../sim/scenarios/index.js";
import { sendSigned, type Reply } from "./client.js";
import { freshDatabaseUrl } from "./database.js";

export interface StartKoogateOptions {
  /** the folder of product definitions */
  productsDir: string;
  /** the adapter classes products may name; default none */
  adapters?: readonly AdapterClass[];
  /** what to do about an unknown adapter, for the message (core/project/index.ts) */
  adapterHint?: string;
  /** the environment the settings and key variables are read from; default the process's */
  env?: Environment;
  /** reuse a database (a restart); default a fresh one (freshDatabaseUrl) */
  databaseUrl?: string;
  /** default the system clock */
  clock?: Clock;
  /** default the registry (core/kinds/index.ts) */
  kinds?: readonly Kind[];
  /** collect the JSON log lines here; default no log output */
  logLines?: string[];
  /** settings that differ from the environment's (a retention, a sample size) */
  config?: Partial<Config>;
  /** the client for KooGallery's open APIs; default one from KOOGATE_MARKETPLACE_* of `env` */
  marketplace?: MarketplaceClient;
}

/** A simulator run, with every failed expectation as one readable line. */
export interface SimReport extends RunReport {
  /** `"<step> <activity>: <reason>"` per failed expectation; empty when the run passed */
  failures: string[];
}

export interface TestKoogate {
  /** the base URL, like `http://127.0.0.1:41234` */
  url: string;
  databaseUrl: string;
  koogate: Koogate;
  logger: Logger;
  /** POSTs `body` to /produce/<product>, signed as the marketplace signs (with the key the server loaded) */
  send(product: string, body: string | object, opts?: { key?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** plays a simulator scenario (`koogate sim --help` lists them) against `product` */
  sim(product: string, scenario: string, options?: OptionValues & { test?: boolean }): Promise<SimReport>;
  /** the event log, oldest first */
  events(q?: { product?: string; instance?: string; limit?: number }): Promise<EventRecord[]>;
  /** stops the server and closes its database */
  close(): Promise<void>;
}

/** Starts koogate on a free loopback port. */
export async function startKoogate(opts: StartKoogateOptions): Promise<TestKoogate> {
  const databaseUrl = opts.databaseUrl ?? (await freshDatabaseUrl());
  const settings = readSettings(opts.env ?? processEnvironment(), { stderrIsTTY: false });

  const lines = opts.logLines;
  const logger = createLogger({ level: lines ? "debug" : "silent", write: lines ? (l) => lines.push(l) : undefined });
  const koogate = await createKoogate({ settings: withServer(settings, { ...opts.config, productsDir: opts.productsDir, databaseUrl, port: 0 }), logger, adapters: opts.adapters, adapterHint: opts.adapterHint, clock: opts.clock, kinds: opts.kinds, marketplace: opts.marketplace });
  const server = await koogate.listen(0, "127.0.0.1");
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  const served = (product: string) => {
    const s = koogate.kernel.product(product);
    if (!s) throw new Error(`no product "${product}" is served (served: ${koogate.kernel.products().map((p) => p.id).join(", ")})`);
    return s.product;
  };
  return {
    url,
    databaseUrl,
    koogate,
    logger,
    send: (product, body, o = {}) => sendSigned(url, body, { product, key: o.key ?? served(product).keys.basic[0], headers: o.headers }),
    async sim(product, name, options = {}) {
      const scenario = findScenario(name);
      if (!scenario) throw new Error(`no scenario "${name}"; one of ${SCENARIOS.map((s) => s.name).join(", ")}`);
      const p = served(product);
      const target = { product: p, baseUrl: url, productionUrl: `${url}/produce/${p.id}`, testFlag: options.test ? ("1" as const) : ("0" as const), timeoutMs: 5_000 };
      const report = await runScenario({ scenario, target, options });
      return { ...report, failures: report.steps.flatMap((s) => s.failures.map((f) => `${s.n} ${s.activity}: ${f}`)) };
    },
    events: (q = {}) => new EventLog(koogate.db).list({ productId: q.product, instanceId: q.instance, limit: q.limit ?? 1000 }),
    close: () => koogate.close(),
  };
}

export interface StartProjectOptions {
  /** the merchant project's folder (where its koogate config is); default the working directory */
  cwd?: string;
  /** added to the process's environment for this server (key variables, for instance) */
  env?: Record<string, string>;
  /** reuse a database; default a fresh one (SQLite in a temporary folder, or a fresh PostgreSQL
   * database on the server `KOOGATE_TEST_DATABASE_URL` names) */
  databaseUrl?: string;
  /** collect the JSON log lines here; default no log output */
  logLines?: string[];
}

/**
 * Starts the merchant project of `cwd` as `koogate serve` would (same config, same adapter modules,
 * same products), but on a free loopback port and a fresh database. Build the project first.
 */
export async function startProject(opts: StartProjectOptions = {}): Promise<TestKoogate> {
  const env = { ...processEnvironment(), ...opts.env };
  const project = await loadProject({ cwd: opts.cwd, env });
  return startKoogate({
    productsDir: project.config.productsDir,
    adapters: project.adapters,
    adapterHint: project.adapterHint,
    env,
    databaseUrl: opts.databaseUrl,
    logLines: opts.logLines,
  });
}
