/**
 * The composition root: the one place where koogate's parts are created and wired. It registers the
 * config, logger, clock, database and every merchant adapter class against their tokens, starts the
 * kernel, and builds the Koa app. `server/main.ts` calls it; so do the tests, each with its own
 * container, database and products.
 */
import "reflect-metadata";
import type { Server } from "node:http";
import type Koa from "koa";
import { container as rootContainer, Lifecycle, type DependencyContainer } from "tsyringe";
import type { AdapterClass } from "../core/adapters.js";
import type { Settings } from "../core/settings/index.js";
import { Kernel } from "../core/kernel.js";
import { KINDS as REGISTERED_KINDS } from "../core/kinds/index.js";
import type { Endpoint, Kind } from "../core/kinds/kind.js";
import { createLogger, type Logger } from "../core/logger.js";
import { MarketplaceClient } from "../core/marketplace/client.js";
import { UsageLedger } from "../core/metering/ledger.js";
import { UsageSchedule } from "../core/metering/schedule.js";
import { Outbox } from "../core/outbox/outbox.js";
import { createDatabase } from "../core/store/database.js";
import { GroupCommit } from "../core/store/group-commit.js";
import { InstanceStore } from "../core/store/instances.js";
import { NonceStore } from "../core/store/nonces.js";
import { OperationStore } from "../core/store/operations.js";
import { RefusalSampler } from "../core/serving/refusal-sampler.js";
import { CALL_OBSERVER, CLOCK, CONFIG, DATABASE, KINDS, LOGGER, SETTINGS_TOKEN, systemClock, type Clock, type Knex } from "../core/tokens.js";
import { registerAdapters } from "../core/project/register.js";
import { SetupError } from "../core/errors.js";
import { createApp } from "./app.js";
import { NO_OBSERVER, type CallObserver } from "../core/ops/observer.js";
import { EventLog } from "../core/store/events.js";
import { JobStore } from "../core/store/jobs.js";
import { createOps, type Ops } from "./ops/wiring.js";
import { listenForMetrics } from "./ops/metrics-endpoint.js";
import { closeUnusedConnections, createHttpServer } from "./http-server.js";
import { listenError } from "./listen-error.js";
import { boundHeapGrowth } from "./heap-growth.js";

/**
 * Node answers a request still incomplete after `requestTimeoutMs` with 408 and closes it; the body
 * reader's own timer is a backstop just behind it, so the 408 goes out first.
 */
const BODY_TIMEOUT_GRACE_MS = 1000;

export interface KoogateOptions {
  /** every setting, read once (core/settings/): the server's, the operations', the marketplace's, and the key variables */
  settings: Settings;
  /** default: JSON lines on stderr at config.logLevel */
  logger?: Logger;
  /** default: the system clock */
  clock?: Clock;
  /** adapter classes products may name; default none (`koogate serve` passes the merchant project's, core/project/) */
  adapters?: readonly AdapterClass[];
  /** what to do to make an adapter known, for the "unknown adapter" message (core/project/index.ts `adapterHint`) */
  adapterHint?: string;
  /** the product kinds served; default the registry (core/kinds/index.ts) */
  kinds?: readonly Kind[];
  /** the client of KooGallery's open APIs; default one configured by `settings.marketplace` (KOOGATE_MARKETPLACE_*) */
  marketplace?: MarketplaceClient;
}

export interface Koogate {
  app: Koa;
  kernel: Kernel;
  container: DependencyContainer;
  db: Knex;
  logger: Logger;
  /** records pay-per-use usage of a metered product: `koogate.metering.record("demo-saas", { instanceId, value, begin, end })` */
  metering: UsageLedger;
  /** metrics, readiness, alarm (server/ops/wiring.ts) */
  ops: Ops;
  /** starts listening (and on `KOOGATE_METRICS_LISTEN`, when set); resolves once the port is bound */
  listen(port?: number, host?: string): Promise<Server>;
  /** the metrics-only listener of `KOOGATE_METRICS_LISTEN`, once `listen` has started it */
  readonly metricsServer: Server | undefined;
  /** stops accepting, waits for calls in flight, closes the database */
  close(): Promise<void>;
}

export async function createKoogate(opts: KoogateOptions): Promise<Koogate> {
  const { settings } = opts;
  const config = settings.server;
  const logger = opts.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const container = rootContainer.createChildContainer();
  const db = createDatabase(config.databaseUrl, { logger });
  container.register(CONFIG, { useValue: config });
  container.register(SETTINGS_TOKEN, { useValue: settings });
  container.register(LOGGER, { useValue: logger });
  const clock = opts.clock ?? systemClock;
  container.register(CLOCK, { useValue: clock });
  // the pipeline reports each call here; the observers exist once the products are loaded
  let observer: CallObserver = NO_OBSERVER;
  container.register(CALL_OBSERVER, { useValue: { observeCall: (c) => observer.observeCall(c), refused: (p, r) => observer.refused(p, r) } satisfies CallObserver });
  container.register(DATABASE, { useValue: db });
  container.register(KINDS, { useValue: opts.kinds ?? REGISTERED_KINDS });
  // order fetches and usage pushes call KooGallery with the seller's AK/SK; the client never logs them
  let marketplace: MarketplaceClient;
  try {
    marketplace = opts.marketplace ?? MarketplaceClient.fromSettings(settings.marketplace, { logger: logger.child({ component: "marketplace" }) });
  } catch (e) {
    await db.destroy();
    throw new SetupError(`KOOGATE_MARKETPLACE_URL: ${(e as Error).message}`);
  }
  container.register(MarketplaceClient, { useValue: marketplace });

  const byName = registerAdapters(container, opts.adapters ?? []);
  container.register(Kernel, { useClass: Kernel }, { lifecycle: Lifecycle.ContainerScoped });
  // one outbox per server: the calls that start background work and the kernel that stops it share it
  container.register(Outbox, { useClass: Outbox }, { lifecycle: Lifecycle.ContainerScoped });
  // one queue per server for each kind of statement that concurrent calls share (group commit)
  for (const shared of [NonceStore, OperationStore, InstanceStore, GroupCommit, RefusalSampler, UsageLedger, UsageSchedule] as const) {
    container.register(shared as never, { useClass: shared as never }, { lifecycle: Lifecycle.ContainerScoped });
  }
  const kernel = container.resolve(Kernel);
  try {
    await kernel.start(container, byName, settings, opts.adapterHint);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  let ops: Ops;
  try {
    ops = createOps({ config: settings.ops, marketplace: settings.marketplace, kernel, container, db, clock, logger, usageDueMs: config.usageFlushSeconds * 1000 });
  } catch (e) {
    await kernel.stop();
    throw e;
  }
  observer = ops.observer;
  const endpoints = new Map<string, readonly Endpoint[]>(kernel.kinds.map((k) => [k.name, k.endpoints(container)]));
  const app = createApp({ kernel, endpoints, logger, maxBodyBytes: config.maxBodyBytes, bodyTimeoutMs: config.requestTimeoutMs + BODY_TIMEOUT_GRACE_MS, trustedProxies: config.trustedProxies,
    ops: { ops, kernel, events: container.resolve(EventLog), instances: container.resolve(InstanceStore), jobs: container.resolve(JobStore), clock, logger },
  });

  let server: Server | undefined;
  let metricsServer: Server | undefined;
  return {
    app,
    kernel,
    container,
    db,
    logger,
    metering: container.resolve(UsageLedger),
    ops,
    get metricsServer() {
      return metricsServer;
    },
    async listen(port = config.port, host?: string) {
      // a serving process keeps its heap near what it uses (./heap-growth.ts)
      boundHeapGrowth(config.heapGrowthPercent);
      const { metricsListen, metricsToken } = settings.ops;
      if (metricsListen) metricsServer = await listenForMetrics(ops.metrics, { ...metricsListen, token: metricsToken, logger });
      return new Promise((resolve, reject) => {
        const s = createHttpServer(app.callback(), config, logger);
        s.listen(port, host);
        s.once("listening", () => resolve(s));
        s.once("error", (e: NodeJS.ErrnoException) => {
          if (s.listening) return;
          server = undefined;
          reject(listenError(e, port, host));
        });
        server = s;
      });
    },
    async close() {
      if (metricsServer) {
        const m = metricsServer;
        await new Promise((r) => m.close(r).closeAllConnections());
      }
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => {
          // A keep-alive connection that was busy when close() began becomes idle once its answer is
          // sent; Node closes idle connections only when asked, so ask until the last one is gone.
          const sweep = setInterval(() => {
            s.closeIdleConnections();
            closeUnusedConnections(s);
          }, 50);
          s.close(() => {
            clearInterval(sweep);
            resolve();
          });
          s.closeIdleConnections();
        });
      }
      await ops.stop();
      await kernel.stop();
    },
  };
}
