/**
 * How adapter work that outlives the marketplace's 5-second deadline is run: answered after the
 * budget, then continued from the durable outbox (./outbox.ts). Every kind whose adapter work goes
 * through the outbox (SaaS, License) takes these settings and their schema from here, so a definition
 * writes `provisioning:` the same way whatever its kind, and every adapter call that may outlive the
 * deadline starts here (`startAdapterWork`).
 */
import type { Served } from "../kinds/kind.js";
import type { ProductBase } from "../products/definition.js";
import { AdapterFailure } from "../serving/outcome.js";
import type { JobSpec, Outbox, StartOptions, Started } from "./outbox.js";
import { ADAPTER_BUDGET_MS } from "../settings/timings.js";

/** A definition's `provisioning` after loading (the schema below says what each field means). */
export interface ProvisioningSettings {
  budgetMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  attemptTimeoutMs: number;
}

/** `budgetMs`: the adapter budget, derived from the answer deadline (core/settings/timings.ts). */
export const DEFAULT_PROVISIONING: ProvisioningSettings = { budgetMs: ADAPTER_BUDGET_MS, maxAttempts: 8, retryBaseMs: 1000, attemptTimeoutMs: 300_000 };

/**
 * Calls the adapter (`run`) for at most the product's budget; past it, the caller answers at once and
 * the work goes on from the outbox under `spec` (`Started.finished` false).
 * @throws AdapterFailure wrapping whatever the adapter threw within the budget (a CallError keeps its code)
 */
export async function startAdapterWork<T>(
  outbox: Outbox,
  served: Served<ProductBase & { provisioning: ProvisioningSettings }>,
  spec: JobSpec,
  run: () => Promise<T>,
  options?: StartOptions,
): Promise<Started<T>> {
  try {
    return await outbox.start(served, spec, run, served.product.provisioning.budgetMs, options);
  } catch (err) {
    throw new AdapterFailure(err);
  }
}

/** The schema of a definition's `provisioning` block (a kind's schema lists it among its fields). */
export const PROVISIONING_SCHEMA = {
  "description": "Adapter work that outlives the marketplace's 5-second deadline: answered 000000 after budgetMs, then continued from a durable outbox.",
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "budgetMs": {
      "description": "How long an adapter call may run before the answer is sent without it. Default 3000.",
      "type": "integer",
      "minimum": 0,
      "maximum": 4500
    },
    "maxAttempts": {
      "description": "Attempts (the first included) before the work is marked failed. Default 8.",
      "type": "integer",
      "minimum": 1,
      "maximum": 100
    },
    "retryBaseMs": {
      "description": "Backoff of the first retry; doubled per attempt, at most 5 minutes. Default 1000.",
      "type": "integer",
      "minimum": 10,
      "maximum": 3600000
    },
    "attemptTimeoutMs": {
      "description": "An attempt still running after this counts as failed and is retried. Default 300000.",
      "type": "integer",
      "minimum": 100,
      "maximum": 86400000
    }
  }
} as const;
