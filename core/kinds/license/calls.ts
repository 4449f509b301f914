/**
 * Adapter calls of the License kind that can outlive the deadline (renew, freeze, revoke): each is
 * started with the product's budget like instance work (core/instances/work.ts) and, past it, goes on from
 * the outbox under a job of the activity's name. Payloads are sealed: they carry codes and instances.
 * A variant describes its calls as a table of `CallSpec`s; the answer commits the state change itself,
 * so the jobs only run the adapter.
 */
import { injectable } from "tsyringe";
import type { JobHandler } from "../../outbox/handlers.js";
import { Outbox, type Started } from "../../outbox/outbox.js";
import { startAdapterWork } from "../../outbox/provisioning.js";
import type { Knex } from "knex";
import { deferredDetail, success, type Outcome } from "../../serving/outcome.js";
import { calledOnce } from "../../lifecycle/delivery.js";
import type { AdapterContext } from "../../serving/adapter-context.js";
import { licenseContext, openPayload, sealPayload, type ServedLicense } from "./context.js";
import type { LicenseProduct } from "./product.js";

/** How one activity calls the adapter, and how its stored request is read back (dates revived). */
export interface CallSpec<A, R = never> {
  invoke(adapter: A, request: R, ctx: AdapterContext): Promise<void>;
  revive?(stored: Record<string, unknown>): R;
}

export type CallTable<A> = Readonly<Record<string, CallSpec<A, any>>>; // a table mixes request types; each spec is checked where it is written (`satisfies`)

/** A stored `Date` field read back. */
export const reviveDate = (stored: Record<string, unknown>, field: string) => ({ ...stored, [field]: new Date(String(stored[field])) });

@injectable()
export class LicenseCalls {
  constructor(private readonly outbox: Outbox) {}

  /**
   * Calls the adapter for at most the product's budget. `ref` names the instance or code in the job row.
   * @throws AdapterFailure wrapping what the adapter threw within the budget
   */
  async start<A>(served: ServedLicense<A>, table: CallTable<A>, call: { activity: string; request: object; ref: string; test: boolean }, logger: AdapterContext["logger"]): Promise<Started<void>> {
    const spec = table[call.activity]!;
    const ctx = licenseContext(served.product, logger, { activity: call.activity, instanceId: call.ref, test: call.test });
    const job = { activity: call.activity, instanceId: call.ref, payload: () => sealPayload(served.product, call.request), test: call.test };
    return startAdapterWork(this.outbox, served, job, () => spec.invoke(served.adapter, call.request, ctx), { once: calledOnce(call.activity), ordered: true });
  }

  /** One job handler per activity of `table`. */
  handlers<A>(table: CallTable<A>): Record<string, JobHandler<LicenseProduct, A>> {
    return Object.fromEntries(
      Object.entries(table).map(([activity, spec]) => [
        activity,
        {
          policy: (s) => s.product.provisioning,
          run: (s, job, logger) => {
            const stored = openPayload<Record<string, unknown>>(s.product, job.payload);
            return spec.invoke(s.adapter, spec.revive ? spec.revive(stored) : stored, licenseContext(s.product, logger, job));
          },
        } satisfies JobHandler<LicenseProduct, A>,
      ]),
    );
  }
}

/**
 * A success whose state change commits with the event; when the adapter work is still running past the
 * budget, its job row commits in the same transaction and the work goes on from the outbox.
 */
export function startedOutcome(started: Started<unknown>, instanceId: string, commitState: (trx: Knex.Transaction) => Promise<void>, extra: Partial<Outcome> = {}): Outcome {
  const enqueue = started.finished ? undefined : started.enqueue;
  return success(undefined, {
    instanceId,
    ...extra,
    commit: async (trx) => {
      await commitState(trx);
      await enqueue?.(trx);
    },
    afterCommit: started.finished ? undefined : started.afterCommit,
    detail: started.finished ? extra.detail : deferredDetail(started),
  });
}
