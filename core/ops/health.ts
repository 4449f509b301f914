/**
 * Readiness, decided in the background: a probe runs every second (two statements: the names of the
 * migrations run, and the upsert of one heartbeat row, so that a database that answers reads but
 * refuses writes — a full disk, a read-only replica — is not ready: issue 24, finding 13) and keeps its verdict; `/readyz` reads the verdict, so answering costs no database
 * statement however often a load balancer asks and however busy the database is.
 */
import { MIGRATION_TABLE } from "../store/migrate.js";
import type { Knex } from "../tokens.js";

/** The one-row table the probe writes (core/store/migrations/20261206160000_ops_sessions_and_heartbeat.ts). */
export const HEARTBEAT_TABLE = "koogate_heartbeat";

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 200);
}

/** One readiness condition. */
export interface Check {
  ok: boolean;
  detail: string;
}

export interface Readiness {
  ready: boolean;
  /** database, writes, migrations, outbox, products */
  checks: Record<string, Check>;
  /** when the last probe finished (ms); 0 before the first */
  checkedAt: number;
}

export interface HealthProbeOptions {
  db: Knex;
  /** the names of every migration this koogate knows */
  migrations: readonly string[];
  /** when the outbox last polled (ms); undefined before its first poll */
  outboxPolledAt: () => number | undefined;
  /** how many products are served (the loader refuses to start on any definition it cannot load) */
  products: () => number;
  /** default 1000 ms */
  intervalMs?: number;
  /** the database counts as unreachable when no probe has answered for this long; default 5000 ms */
  staleMs?: number;
  /** the outbox counts as stopped when it has not polled for this long; default 10 000 ms */
  outboxStaleMs?: number;
  /** default Date.now */
  now?: () => number;
}

export class HealthProbe {
  private timer?: NodeJS.Timeout;
  private running = false;
  private lastAnswerAt = 0;
  private migrations: Check = { ok: false, detail: "not checked yet" };
  private database: Check = { ok: false, detail: "not checked yet" };
  private writes: Check = { ok: false, detail: "not checked yet" };
  private readonly now: () => number;

  constructor(private readonly o: HealthProbeOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Probes now, then every `intervalMs`. */
  start(): void {
    void this.probe();
    this.timer = setInterval(() => void this.probe(), this.o.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The verdict as of the last probe, with the time-based conditions evaluated now. O(1), no I/O. */
  status(): Readiness {
    const now = this.now();
    const silentMs = now - this.lastAnswerAt;
    const database = this.lastAnswerAt === 0 || silentMs <= (this.o.staleMs ?? 5000) ? this.database : { ok: false, detail: `no answer for ${silentMs} ms` };
    const polled = this.o.outboxPolledAt();
    const outbox: Check =
      polled === undefined
        ? { ok: false, detail: "not polled yet" }
        : now - polled <= (this.o.outboxStaleMs ?? 10_000)
          ? { ok: true, detail: `polled ${now - polled} ms ago` }
          : { ok: false, detail: `last polled ${now - polled} ms ago` };
    const n = this.o.products();
    const products: Check = { ok: n > 0, detail: `${n} loaded` };
    const writes = database === this.database ? this.writes : { ok: false, detail: "unknown: the database does not answer" };
    const checks = { database, writes, migrations: this.migrations, outbox, products };
    return { ready: Object.values(checks).every((c) => c.ok), checks, checkedAt: this.lastAnswerAt };
  }

  private async probe(): Promise<void> {
    if (this.running) return; // the last one has not answered: status() reports it once it is stale
    this.running = true;
    try {
      if (await this.read()) await this.write();
    } finally {
      this.running = false;
    }
  }

  /** Reads the migrations run; false when the database could not be read. */
  private async read(): Promise<boolean> {
    try {
      const rows: Array<{ name: string }> = await this.o.db(MIGRATION_TABLE).select("name");
      this.lastAnswerAt = this.now();
      this.database = { ok: true, detail: "reachable" };
      const run = new Set(rows.map((r) => r.name));
      const missing = this.o.migrations.filter((m) => !run.has(m));
      this.migrations = missing.length === 0 ? { ok: true, detail: `${run.size} run` } : { ok: false, detail: `${missing.length} not run: ${missing.slice(0, 3).join(", ")}` };
      return true;
    } catch (e) {
      this.lastAnswerAt = this.now();
      this.database = { ok: false, detail: `unreachable: ${message(e)}` };
      this.migrations = { ok: false, detail: "unknown: the database cannot be read" };
      this.writes = { ok: false, detail: "unknown: the database cannot be read" };
      return false;
    }
  }

  /** Rewrites the heartbeat row: one row for every process, the write is what is proven, not who wrote last. */
  private async write(): Promise<void> {
    try {
      await this.o.db(HEARTBEAT_TABLE).insert({ id: 1, beat_at: this.now() }).onConflict("id").merge();
      this.writes = { ok: true, detail: "a write succeeded" };
    } catch (e) {
      this.writes = { ok: false, detail: `failing: ${message(e)}` };
    }
    this.lastAnswerAt = this.now();
  }
}
