/**
 * The database a test runs on. SQLite by default (a fresh file per call); PostgreSQL when
 * `KOOGATE_TEST_DATABASE_URL` names a server (`postgres://user@host:port/postgres`): then each call
 * creates a fresh database on it, so tests never see each other's rows.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { testDatabaseServer } from "../core/settings/tools.js";

export const testDatabaseKind: "sqlite" | "postgres" = testDatabaseServer() ? "postgres" : "sqlite";

export async function freshDatabaseUrl(): Promise<string> {
  const admin = testDatabaseServer();
  if (!admin) return `sqlite:${join(mkdtempSync(join(tmpdir(), "koogate-test-")), "koogate.sqlite")}`;
  return freshPostgresDatabase(admin);
}

/** Creates an empty database on the PostgreSQL server of `admin` (a URL whose user may create databases); its URL. */
export async function freshPostgresDatabase(admin: string, name = `koogate_test_${randomBytes(6).toString("hex")}`): Promise<string> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
