/**
 * Injection tokens of koogate's container. The composition root (`server/composition.ts`) registers a
 * value or class against each; core code depends on the token, never on a concrete implementation.
 */
import type { Knex } from "knex";
import type { Config } from "./settings/server.js";
import type { Logger } from "./logger.js";

export const CONFIG = Symbol.for("koogate.Config");
/** Every setting, read once at start (core/settings/index.ts `Settings`). */
export const SETTINGS_TOKEN = Symbol.for("koogate.Settings");
export const LOGGER = Symbol.for("koogate.Logger");
/** The knex instance of koogate's database (merchant adapters may keep their own tables in it). */
export const DATABASE = Symbol.for("koogate.Database");
export const CLOCK = Symbol.for("koogate.Clock");

/** Time source; tests inject a fixed or moving clock. */
export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export type { Config, Knex, Logger };

/** The registered product kinds (core/kinds/index.ts, or a test's own list). */
export const KINDS = Symbol.for("koogate.Kinds");

/** Where the call pipeline reports each answered call (core/ops/observer.ts): metrics and alarm. */
export const CALL_OBSERVER = Symbol.for("koogate.CallObserver");
