/**
 * A SaaS adapter for tests that writes one row per call into its own table, so tests count adapter
 * calls in the database (never by inspecting a mock). Options:
 * - `delayMs`: how long each call takes (to make deliveries overlap)
 * - `failFirst`: newInstance throws for the first N calls of an order line (then succeeds)
 * - `refuseWith`: newInstance throws a CallError with this code
 * - `hangFirst`: the first N calls with the same input never return
 * - `failWith`: newInstance always throws an Error with this message (text an adapter wrote)
 * - `failOnce`: these activities throw on the first call with a given input, then succeed (a backend
 *   that fails once per call)
 * - `failAlways`: these activities always throw
 */
import { inject, injectable } from "tsyringe";
import { CallError } from "../../core/errors.js";
import type { AdapterContext, NewInstanceRequest, NewInstanceResult, SaasAdapter } from "../../core/kinds/saas/adapter.js";
import { DATABASE, type Knex } from "../../core/tokens.js";
import type { ResultCode } from "../../core/vocabulary.js";

export const CALLS_TABLE = "test_adapter_calls";

interface Options {
  delayMs?: number;
  failFirst?: number;
  refuseWith?: ResultCode;
  hangFirst?: number;
  failWith?: string;
  failOnce?: string[];
  failAlways?: string[];
}

@injectable()
export class RecordingAdapter implements SaasAdapter {
  static readonly kind = "saas" as const;

  constructor(@inject(DATABASE) private readonly db: Knex) {}

  async setup(): Promise<void> {
    if (await this.db.schema.hasTable(CALLS_TABLE)) return;
    await this.db.schema.createTable(CALLS_TABLE, (t) => {
      t.increments("id");
      t.string("product_id").notNullable();
      t.string("activity").notNullable();
      t.string("instance_id").notNullable();
      t.text("input").notNullable();
      t.boolean("test").notNullable();
    });
  }

  /** Records the call; returns how many calls with the same input there have been. */
  private async record(activity: string, req: { instanceId: string }, ctx: AdapterContext): Promise<number> {
    const o = ctx.options as Options;
    const { instanceId: _, ...rest } = req;
    const input = JSON.stringify(rest);
    await this.db(CALLS_TABLE).insert({ product_id: ctx.product.id, activity, instance_id: req.instanceId, input, test: ctx.test });
    const rows = await this.db(CALLS_TABLE).where({ activity, input }).count({ n: "*" });
    const n = Number(rows[0]?.n);
    if (n <= (o.hangFirst ?? 0)) await new Promise(() => undefined);
    if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
    if (o.failAlways?.includes(activity)) throw new Error(`backend down for ${activity} (call ${n})`);
    if (o.failOnce?.includes(activity)) {
      const mine = await this.db(CALLS_TABLE).where({ activity, input, instance_id: req.instanceId }).count({ n: "*" });
      if (Number(mine[0]?.n) === 1) throw new Error(`backend hiccup on ${activity} (its first call)`);
    }
    return n;
  }

  async newInstance(req: NewInstanceRequest, ctx: AdapterContext): Promise<NewInstanceResult> {
    const n = await this.record("newInstance", req, ctx);
    const o = ctx.options as Options;
    if (o.refuseWith) throw new CallError(o.refuseWith);
    if (o.failWith) throw new Error(o.failWith);
    if (n <= (o.failFirst ?? 0)) throw new Error(`backend unavailable (call ${n})`);
    return { appInfo: { frontEndUrl: "https://example.test/login", userName: `user-${req.instanceId}`, password: "Secret#123" } };
  }
  async refreshInstance(req: { instanceId: string }, ctx: AdapterContext) {
    await this.record("refreshInstance", req, ctx);
  }
  async updateInstanceStatus(req: { instanceId: string }, ctx: AdapterContext) {
    await this.record("updateInstanceStatus", req, ctx);
  }
  async releaseInstance(req: { instanceId: string }, ctx: AdapterContext) {
    await this.record("releaseInstance", req, ctx);
  }
  async upgradeInstance(req: { instanceId: string }, ctx: AdapterContext) {
    await this.record("upgradeInstance", req, ctx);
  }
}

/** A product definition using RecordingAdapter. */
export function recordingYaml(id: string, options: Options & Record<string, unknown> = {}, extra = ""): string {
  return [
    `id: ${id}`,
    `name: Recorded ${id}`,
    "kind: saas",
    "adapter: RecordingAdapter",
    "keys:",
    "  basic: [TEST_BASIC_KEY]",
    `options: ${JSON.stringify(options)}`,
    extra,
  ].join("\n");
}

/** How many times the adapter was called for an activity (and instance). */
export async function adapterCalls(db: Knex, activity: string, instanceId?: string): Promise<number> {
  let q = db(CALLS_TABLE).where({ activity });
  if (instanceId) q = q.andWhere({ instance_id: instanceId });
  const rows = await q.count({ n: "*" });
  return Number(rows[0]?.n);
}
