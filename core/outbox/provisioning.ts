/**
 * How adapter work that outlives the marketplace's 5-second deadline is run: answered after the
 * budget, then continued from the durable outbox (./outbox.ts). Every kind whose adapter work goes
 * through the outbox (SaaS, License) takes these settings and their schema from here, so a definition
 * writes `provisioning:` the same way whatever its kind.
 */

/** A definition's `provisioning` after loading (the schema below says what each field means). */
export interface ProvisioningSettings {
  budgetMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  attemptTimeoutMs: number;
}

export const DEFAULT_PROVISIONING: ProvisioningSettings = { budgetMs: 3000, maxAttempts: 8, retryBaseMs: 1000, attemptTimeoutMs: 300_000 };

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
