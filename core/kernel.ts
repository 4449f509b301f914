/**
 * The kernel: the loaded products with their adapters and kinds, the database brought up to date, and
 * the housekeeping timers. It knows nothing of HTTP (`server/` maps routes onto the kinds' endpoints)
 * and nothing of any particular kind: it reaches them through the registry it is given.
 */
import { inject, injectable, type DependencyContainer } from "tsyringe";
import { hasSetup, type AdapterClass } from "./adapters.js";
import { SetupError } from "./errors.js";
import type { Kind, Served } from "./kinds/kind.js";
import { isMetered } from "./metering/definition.js";
import { bindUsageRecorder, UsageLedger } from "./metering/ledger.js";
import { UsagePusher } from "./metering/push.js";
import { UsageSchedule } from "./metering/schedule.js";
import { OrderFetch } from "./orders/fetch.js";
import { Outbox } from "./outbox/outbox.js";
import type { ProductBase } from "./products/definition.js";
import { loadProducts } from "./products/loader.js";
import { CORE_MIGRATIONS, mergeMigrations } from "./store/migrate.js";
import { bringUpToDate } from "./store/migrate-database.js";
import { MarketplaceClient } from "./marketplace/client.js";
import type { Settings } from "./settings/index.js";
import { featureProblems, oneSetupError } from "./products/requirements.js";
import { NonceStore } from "./store/nonces.js";
import { Retention } from "./store/retention.js";
import { RefusalSampler } from "./serving/refusal-sampler.js";
import { CLOCK, CONFIG, DATABASE, KINDS, LOGGER, type Clock, type Config, type Knex, type Logger } from "./tokens.js";

/** How often the retention purge runs (core/store/retention.ts): each run is bounded, so a backlog drains over a few runs. */
export const RETENTION_INTERVAL_MS = 10 * 60_000;

/** Injection token prefix of adapter classes: `adapter:<ClassName>`. */
export const adapterToken = (name: string) => `adapter:${name}`;

/** The migrations of the core and of every kind of `kinds`, in one list. */
export function allMigrations(kinds: readonly Kind[]) {
  return mergeMigrations([{ owner: "core", migrations: CORE_MIGRATIONS }, ...kinds.map((k) => ({ owner: `kind ${k.name}`, migrations: k.migrations }))]);
}

@injectable()
export class Kernel {
  private readonly served = new Map<string, Served>();
  private purgeTimer?: NodeJS.Timeout;
  private retentionTimer?: NodeJS.Timeout;
  /** the retention run under way, if any */
  private retaining?: Promise<void>;
  private container?: DependencyContainer;
  private usageSchedule?: UsageSchedule;

  constructor(
    @inject(CONFIG) private readonly config: Config,
    @inject(DATABASE) readonly db: Knex,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(KINDS) readonly kinds: readonly Kind[],
    private readonly nonces: NonceStore,
    private readonly outbox: Outbox,
    private readonly retention: Retention,
    private readonly refusals: RefusalSampler,
  ) {}

  /**
   * Loads the definitions, migrates the database, sets the adapters up. Throws SetupError on any
   * problem in the merchant's setup, before the server listens. `adapterHint` says how to make an
   * unknown adapter known (core/project/index.ts).
   */
  async start(container: DependencyContainer, adapters: ReadonlyMap<string, AdapterClass>, settings: Settings, adapterHint?: string): Promise<void> {
    const products = loadProducts({
      dir: this.config.productsDir,
      env: settings.env,
      production: this.config.production,
      adapters,
      kinds: this.kinds,
      logger: this.logger,
      adapterHint,
    });
    this.checkFeatures(products, container, settings);
    await bringUpToDate(this.db, this.config.databaseUrl, allMigrations(this.kinds));
    this.container = container;
    const byName = new Map(this.kinds.map((k) => [k.name, k]));
    const setUp = new Set<unknown>();
    for (const product of products) {
      const kind = byName.get(product.kind)!;
      let adapter: unknown;
      try {
        adapter = product.adapter === "" ? undefined : container.resolve(adapterToken(product.adapter));
      } catch (e) {
        throw new SetupError(`cannot create adapter ${product.adapter}: ${(e as Error).message}`, product.file, "/adapter");
      }
      if (hasSetup(adapter) && !setUp.has(adapter)) {
        setUp.add(adapter);
        await adapter.setup();
      }
      this.served.set(product.id, { product, adapter, kind });
      this.logger.info("product ready", { product: product.id, kind: product.kind, adapter: product.adapter || undefined, ...describeFacts(kind, product) });
    }
    for (const kind of this.kinds) {
      // the shared features a kind opts into bring their own jobs (core/orders/, core/metering/)
      const handlers = {
        ...kind.jobs?.(container),
        ...(kind.orderNotify ? container.resolve(OrderFetch).handlers() : {}),
        ...(kind.metering ? container.resolve(UsagePusher).handlers() : {}),
      };
      if (Object.keys(handlers).length > 0) this.outbox.register(kind.name, handlers);
    }
    const ledger = container.resolve(UsageLedger);
    ledger.serve((id) => this.served.get(id)?.product);
    for (const { product } of this.served.values()) if (isMetered(product)) bindUsageRecorder(product, ledger.recorderFor(product));
    this.usageSchedule = container.resolve(UsageSchedule);
    this.usageSchedule.start([...this.served.values()], this.config.usageFlushSeconds);
    this.purgeTimer = setInterval(() => {
      this.nonces.purge(this.clock.now()).catch((e: Error) => this.logger.warn("nonce purge failed", { error: e.message }));
      void this.refusals.flush(this.clock.now());
    }, 60_000);
    this.purgeTimer.unref();
    this.retentionTimer = setInterval(() => (this.retaining ??= this.retain().finally(() => (this.retaining = undefined))), RETENTION_INTERVAL_MS);
    this.retentionTimer.unref();
    this.outbox.startPolling((id) => this.served.get(id));
  }

  /**
   * Refuses (production) or warns about (elsewhere) a feature switched on without what it needs
   * (core/products/requirements.ts), before the database is touched.
   */
  private checkFeatures(products: readonly ProductBase[], container: DependencyContainer, settings: Settings): void {
    const features = { marketplaceKeys: container.resolve(MarketplaceClient).hasAccessKeys, reconcileAt: settings.ops.reconcileAt !== undefined };
    const problems = featureProblems(products, this.kinds, features);
    if (problems.length && this.config.production) throw oneSetupError(problems);
    for (const p of problems) this.logger.warn(`!!! ${p.message} (NODE_ENV=production refuses to start)`);
  }

  /** One retention run; the timer starts none while one is still going (a large backlog on a slow disk). */
  private async retain(): Promise<void> {
    try {
      const purged = await this.retention.purge(this.clock.now());
      if (purged.events + purged.jobs + purged.operations > 0) this.logger.info("retention purge", { ...purged });
    } catch (e) {
      this.logger.warn("retention purge failed", { error: (e as Error).message });
    }
  }

  /** The product served under `id`, with its adapter and kind, if any. */
  product(id: string): Served | undefined {
    return this.served.get(id);
  }

  products(): ProductBase[] {
    return [...this.served.values()].map((s) => s.product);
  }

  /** Stops the timers, lets running adapter work finish (or hands it over), closes the database. */
  async stop(): Promise<void> {
    clearInterval(this.purgeTimer);
    clearInterval(this.retentionTimer);
    await this.retaining;
    this.usageSchedule?.stop();
    await this.outbox.stop();
    // the minute under way is summed up too: its refusals are counted in no other place
    await this.refusals.flush(this.clock.now(), true);
    const container = this.container;
    if (container) for (const kind of this.kinds) await kind.stop?.(container).catch((e: Error) => this.logger.warn("a kind failed to stop cleanly", { kind: kind.name, error: e.message }));
    await this.db.destroy();
  }
}

/** A product's facts as log fields: `{ facts: "protocol v2; joint-operation sync" }`. */
function describeFacts(kind: Kind, product: ProductBase): { facts?: string } {
  const facts = kind.describe(product).facts;
  return facts.length ? { facts: facts.join("; ") } : {};
}
