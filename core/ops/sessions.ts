/**
 * The operator page's sign-in sessions (issue 24, finding 12: the cookie was an HMAC of the token —
 * always the same value, never expiring, still valid after sign-out). A session id is 32 random bytes
 * (`crypto.randomBytes`); the table keeps only its SHA-256, when it expires, and a tag of the token it
 * was opened with, so every process of a deployment shares the sessions, a sign-out ends one
 * everywhere, and a new `KOOGATE_OPS_TOKEN` ends every session opened with the old one.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { Knex } from "../tokens.js";

export const OPS_SESSIONS_TABLE = "koogate_ops_sessions";

/** How long a session lasts from sign-in: a working day. */
export const SESSION_TTL_MS = 8 * 3_600_000;

/** A session id as the cookie carries it: 43 base64url characters. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

const digest = (id: string) => createHash("sha256").update(id).digest("hex");

export class OpsSessions {
  private readonly tokenTag: string;

  /** @param token the operator token (`KOOGATE_OPS_TOKEN`) sessions are opened with */
  constructor(
    private readonly db: Knex,
    token: string,
    private readonly now: () => number = Date.now,
  ) {
    this.tokenTag = createHmac("sha256", token).update("koogate operator session tag v1").digest("hex");
  }

  /** Opens a session; resolves with its id (for the cookie). Sessions that have expired go meanwhile. */
  async open(): Promise<string> {
    const id = randomBytes(32).toString("base64url");
    const now = this.now();
    await this.db(OPS_SESSIONS_TABLE).where("expires_at", "<=", now).delete();
    await this.db(OPS_SESSIONS_TABLE).insert({ id_digest: digest(id), token_tag: this.tokenTag, created_at: now, expires_at: now + SESSION_TTL_MS });
    return id;
  }

  /** Whether `id` is a session opened with this token that has neither expired nor been closed. */
  async valid(id: string): Promise<boolean> {
    if (!SESSION_ID.test(id)) return false;
    const row = await this.db(OPS_SESSIONS_TABLE).where({ id_digest: digest(id), token_tag: this.tokenTag }).where("expires_at", ">", this.now()).first("id_digest");
    return row !== undefined;
  }

  /** Ends the session `id` (a sign-out): no process accepts it any more. */
  async close(id: string): Promise<void> {
    if (SESSION_ID.test(id)) await this.db(OPS_SESSIONS_TABLE).where({ id_digest: digest(id) }).delete();
  }
}
