/**
 * The contract every product kind implements. A kind is a folder (core/kinds/<kind>/) plus one line in
 * the registry (core/kinds/index.ts): it brings the fields its definitions add and their schema, how a
 * validated definition becomes a typed product, the methods its adapter classes must have, the tables
 * it owns (migrations), the endpoints it serves, the outbox jobs it runs, its operator-page views, its
 * simulator scenarios, and how `koogate check`, the simulator and the start-up log describe one of its
 * products. The kernel, the server, the loader and
 * the CLI know kinds only through this contract.
 */
import type { DependencyContainer } from "tsyringe";
import type { Io } from "../cli/args.js";
import type { SetupError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { Environment } from "../settings/reader.js";
import type { BaseDefinition, ProductBase } from "../products/definition.js";
import type { JobHandler } from "../outbox/handlers.js";
import type { HttpAnswer, HttpCall } from "../serving/http.js";
import type { KindOps } from "../ops/views.js";
import type { Migration } from "../store/migrate.js";
import type { KeyType } from "../vocabulary.js";
import type { Scenario } from "../simulation/scenario.js";

/** What a kind's loader may use besides the definition. */
export interface LoadContext {
  /** the environment as the settings module took it (read-only): the key variables a definition names */
  env: Environment;
  production: boolean;
  logger: Logger;
}

/** A loaded product with its adapter instance and its kind. */
export interface Served<P extends ProductBase = ProductBase, A = unknown> {
  product: P;
  adapter: A;
  kind: Kind<P, A>;
}

/**
 * One HTTP endpoint of a kind. The server registers each distinct (method, path) once and hands a call
 * to the endpoint of the product's own kind; a product whose kind serves the path with another method
 * is answered 405 with `Allow`, any other 404.
 */
export interface Endpoint<P extends ProductBase = ProductBase, A = unknown> {
  /** the HTTP method; "ALL" serves every method at the path (an API gateway forwards any) */
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "ALL";
  /**
   * a router path with the `:id` parameter naming the product, e.g. `/produce/:id`; a trailing
   * wildcard in @koa/router 15's syntax (`/api/:id{/*rest}`) takes any sub-path
   */
  path: string;
  /** whether this product is served here (a protocol, a feature it enables); default yes */
  accepts?(product: P): boolean;
  /**
   * Answers the call; never throws for bad input. Endpoints that answer the marketplace keep the
   * deadline themselves (core/serving/pipeline.ts), because the deadline's answer is a signed one.
   */
  serve(served: Served<P, A>, call: HttpCall): Promise<HttpAnswer>;
}

/**
 * What is configured besides the definitions, for `Kind.requires`: a feature a listing switches on may
 * need a setting of the server (issue 20, "Fail fast").
 */
export interface FeatureSettings {
  /**
   * whether KOOGATE_MARKETPLACE_AK and KOOGATE_MARKETPLACE_SK are both set: every call to the
   * marketplace's open APIs but the usage push is signed with them (docs/marketplace/api-image-openapi.md §1)
   */
  marketplaceKeys: boolean;
}

/** How `koogate check`, the simulator and the start-up log describe a product. */
export interface ProductDescription {
  /** what the marketplace calls, relative to the server's base URL */
  endpoints: ReadonlyArray<{ method: string; path: string; what: string }>;
  /** one-line facts for `check` (e.g. "protocol v2", "joint-operation sync on"), never a secret */
  facts: readonly string[];
}

/** What a kind declares besides its code (`Kind.vocabulary`). */
export interface KindVocabulary {
  /**
   * the key types it adds to the core's (basic, general), each with the description the definition
   * schema shows; a definition of any kind may list them. The type names are also added to `KeyTypes`
   * (core/vocabulary.ts) by declaration merging, so a kind's code can read `product.keys.<type>`.
   */
  readonly keyTypes?: Readonly<Record<string, string>>;
  /** the activities of its calls: `koogate_calls_total` labels each by its name (any other is `other`) */
  readonly activities?: readonly string[];
  /**
   * the result codes it adds to the common ones (000000-000101), each with its default `resultMsg`;
   * the codes are also added to `ResultCodes` (core/vocabulary.ts) by declaration merging
   */
  readonly resultCodes?: Readonly<Record<string, string>>;
  /** the refusal reasons of its own served paths besides the signature problems: `koogate_refusals_total` labels each by name */
  readonly refusalReasons?: readonly string[];
}

/** What a kind may set up in the local marketplace of `koogate marketplace` (sim/marketplace/state.ts), `Kind.localMarketplace`. */
export interface LocalMarketplace {
  /** issues a test authorization code, received by the buyer (docs/marketplace/license.md §2.4) */
  issueLicense(opts: { code: string }): { code: string };
}

/** One `koogate <name>` command a kind brings (`Kind.commands`). */
export interface KindCommand {
  /** one line for `koogate --help` */
  readonly summary: string;
  /**
   * runs the command line after the command's name; resolves to the exit code (0 ok, 1 failed, 2 a
   * wrong command line). May throw: a SetupError or any Error is printed as `koogate <name>: …`, exit 1
   */
  run(argv: string[], io: Io): Promise<number>;
}

export interface Kind<P extends ProductBase = ProductBase, A = unknown> {
  /** the `kind:` value of its definitions */
  readonly name: string;
  /** one line for `koogate check --help` and error messages */
  readonly summary: string;
  /**
   * the words of its calls that the core counts, labels and checks (core/kinds/registry.ts gathers
   * every registered kind's): no module outside the kind's folder names them
   */
  readonly vocabulary?: KindVocabulary;
  /** its `koogate <name>` commands, listed by `koogate --help` beside the core's */
  readonly commands?: Readonly<Record<string, KindCommand>>;
  /**
   * what `koogate marketplace` sets up for this kind in the local marketplace it starts (a test
   * authorization code for the licence relay); the lines it returns are printed with the rest
   */
  readonly localMarketplace?: (m: LocalMarketplace) => readonly string[];
  /**
   * JSON Schema of the fields this kind adds to a definition, beside the common ones (id, name, kind,
   * adapter, keys, options). Unknown fields are refused: the loader adds `additionalProperties: false`.
   */
  readonly schema: { properties: Readonly<Record<string, object>>; required?: readonly string[] };
  /** the key types this definition's served interfaces check signatures with (others may be listed, unused) */
  keyTypes(def: BaseDefinition): readonly KeyType[];
  /** turns a validated definition into the typed product. @throws SetupError naming file, path and fix */
  load(def: BaseDefinition, base: ProductBase, ctx: LoadContext): P;
  /**
   * methods an adapter class of this kind must have; a class missing one is refused at start. A
   * function when they depend on the definition (a License listing's variant).
   */
  readonly adapterMethods: readonly string[] | ((def: BaseDefinition) => readonly string[]);
  /**
   * whether a definition of this kind may leave out `adapter` (an API listing forwarded to an upstream,
   * an image listing that serves nothing); default false. Without one the product's adapter is undefined.
   */
  readonly adapterOptional?: boolean;
  /**
   * checks that need the other loaded products (a pairing that must name a listing of another kind),
   * run once every definition has loaded; one SetupError per problem, none when all is well
   */
  checkAll?(own: readonly P[], all: readonly ProductBase[]): SetupError[];
  /**
   * what the features this product switches on need from the settings and do not have (the licence
   * relay without the seller's access keys); one SetupError per problem naming the file, the path and
   * the fix, none when all is well. In production each one refuses the start (and fails `koogate
   * check`); outside it each is logged as a warning. The shared features (order notification) are
   * checked by the core (core/products/requirements.ts).
   */
  requires?(product: P, settings: FeatureSettings): SetupError[];
  /** lets go of what the kind holds (buffered rows, timers) before the database closes; default nothing */
  stop?(container: DependencyContainer): Promise<void>;
  /** the tables it owns: `<UTC yyyymmddhhmmss>_<name>` → migration (every registered kind's always run) */
  readonly migrations?: Readonly<Record<string, Migration>>;
  /** its endpoints, built once the container holds the stores and settings */
  endpoints(container: DependencyContainer): ReadonlyArray<Endpoint<P, A>>;
  /**
   * its products may enable order notification (core/orders/: `ORDER_NOTIFY_SCHEMA` in its schema,
   * `OrderNotifyInterface` on its production URL); the kernel then runs the order-fetch jobs for it
   */
  readonly orderNotify?: boolean;
  /** its products may enable metering (core/metering/: `METERING_SCHEMA`); the kernel then pushes and pulls their usage */
  readonly metering?: boolean;
  /** the outbox jobs it runs, by the job's `activity` */
  jobs?(container: DependencyContainer): Readonly<Record<string, JobHandler<P, A>>>;
  /**
   * what the operator page (/ops) shows of its products beyond the core's views: its own views (with
   * their navigation entries), the links to them on a listing's row, and its own call log when its
   * calls skip the pipeline's event log (core/ops/views.ts); default nothing more
   */
  readonly ops?: KindOps<P>;
  /**
   * the simulator's scenarios for its products (`koogate sim <listing> <scenario>`, core/simulation/scenario.ts),
   * in the order `--help` lists them; each names this kind and says what else it needs of a product.
   * The scenarios shared by several kinds (core/simulation/scenarios/: delivery, order notification, usage) are
   * played by each kind that offers them, under a name of its own.
   */
  readonly scenarios?: readonly Scenario[];
  describe(product: P): ProductDescription;
}

/** Erases a kind's product and adapter types for the registry (each kind checks its own at load). */
export function defineKind<P extends ProductBase, A>(kind: Kind<P, A>): Kind {
  return kind as unknown as Kind;
}
