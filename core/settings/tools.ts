/**
 * The settings of koogate's own tools, read here like every other setting: the test database of
 * `koogate/testing` and the benchmark's knobs (core/settings/table.ts, parts "testing" and "bench").
 */
import { processEnvironment } from "./environment.js";
import { SettingsReader, type Environment } from "./reader.js";
import type { ValueOf } from "./table.js";

/** `KOOGATE_TEST_DATABASE_URL`: the PostgreSQL server tests create their databases on; undefined: SQLite. */
export function testDatabaseServer(env: Environment = processEnvironment()): string | undefined {
  return new SettingsReader(env).text("KOOGATE_TEST_DATABASE_URL");
}

export interface BenchSettings {
  seconds: number;
  connections: number;
  meteringRecords: number;
  logLines: number;
  only?: ValueOf<"KOOGATE_BENCH_ONLY">;
  profileDir?: string;
}

/** The benchmark's knobs. @throws SettingsError listing every problem */
export function benchSettings(env: Environment = processEnvironment()): BenchSettings {
  const r = new SettingsReader(env);
  const only = r.text("KOOGATE_BENCH_ONLY") === undefined ? undefined : r.oneOf<ValueOf<"KOOGATE_BENCH_ONLY">>("KOOGATE_BENCH_ONLY");
  const settings = {
    seconds: r.whole("KOOGATE_BENCH_SECONDS"),
    connections: r.whole("KOOGATE_BENCH_CONNECTIONS"),
    meteringRecords: r.whole("KOOGATE_BENCH_METERING_RECORDS"),
    logLines: r.whole("KOOGATE_BENCH_LINES"),
    only,
    profileDir: r.text("KOOGATE_BENCH_PROFILE"),
  };
  r.finish();
  return settings;
}
