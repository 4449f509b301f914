/**
 * The one place koogate reads `process.env` (bin/koogate.ts aside): a frozen copy, taken once. Every
 * other module gets its settings from the settings object (core/settings/index.ts) or this view,
 * passed in; a test (test/core/settings/one-reader.test.ts) fails when another module reads it.
 */
import type { Environment } from "./reader.js";

let taken: Environment | undefined;

/** The process's environment as it was when first asked, read-only. */
export function processEnvironment(): Environment {
  taken ??= Object.freeze({ ...process.env });
  return taken;
}

/** A read-only copy of `env` (a test's or a command's own variables). */
export function environmentOf(env: Readonly<Record<string, string | undefined>>): Environment {
  return Object.isFrozen(env) ? env : Object.freeze({ ...env });
}
