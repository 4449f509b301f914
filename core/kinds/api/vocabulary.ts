/** The closed vocabularies of API listings (docs/marketplace/api-image-openapi.md §6). */

import { TARGET_ERRORS } from "./target.js";

/** How a gateway's call to the merchant is authenticated (§6.3, §6.4). */
export const API_AUTH_SCHEMES = ["apig-signature", "agents-jwt", "constant-header"] as const;
export type ApiAuthScheme = (typeof API_AUTH_SCHEMES)[number];

/** How the gateway bills the calls: per call (APIG, §6.1) or by the tokens of each answer's `usage` (§6.4). */
export const API_BILLING = ["calls", "tokens"] as const;
export type ApiBilling = (typeof API_BILLING)[number];

/** What became of a call, as the call log records it. */
export const CALL_OUTCOMES = ["answered", "refused", "limited", "too-large", "upstream-down", "upstream-timeout", "failed", "aborted"] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * What the API kind declares to the registry (core/kinds/kind.ts, `Kind.vocabulary`): its calls are
 * logged in its own call log, not as activities; a request target it refuses is counted in
 * `koogate_refusals_total` by its problem (`TARGET_ERRORS`), beside the signature problems.
 */
export const API_VOCABULARY = {
  refusalReasons: Object.keys(TARGET_ERRORS),
};
