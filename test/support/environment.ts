/**
 * The tests' own variables (fault-test sizes, a screenshot folder, the PostgreSQL server, the PATH a
 * spawned child needs), read here, in one helper: koogate's own settings are read by core/settings/,
 * and test/core/settings/one-reader.test.ts allows no other reader of the environment in the tests.
 */
import { processEnvironment } from "../../core/settings/environment.js";
import { testDatabaseServer } from "../../core/settings/tools.js";

const env = processEnvironment();

/** Whether the tests run on PostgreSQL (`KOOGATE_TEST_DATABASE_URL`), not SQLite. */
export const onPostgres = testDatabaseServer() !== undefined;

/** A test's own whole number (`KOOGATE_FUZZ_REQUESTS`, …), `dflt` when unset. @throws Error on anything but decimal digits */
export function testNumber(variable: string, dflt: number): number {
  const raw = env[variable];
  if (raw === undefined || raw === "") return dflt;
  if (!/^\d+$/.test(raw)) throw new Error(`${variable} must be a whole number, not "${raw}"`);
  return Number(raw);
}

/** A test's own text variable (`KOOGATE_SCREENSHOT`), undefined when unset or empty. */
export function testText(variable: string): string | undefined {
  return env[variable] || undefined;
}

/** What a spawned child needs of this process's environment to find its tools: PATH and HOME. */
export function childBasics(): { PATH: string; HOME: string } {
  return { PATH: env.PATH ?? "", HOME: env.HOME ?? "/tmp" };
}
