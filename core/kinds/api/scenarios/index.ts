/** The API kind's simulator scenarios (`koogate sim <listing> <scenario>`): the gateways' calls to its backend. */
import type { Scenario } from "../../../simulation/scenario.js";
import { agentCall, apiCall } from "./gateway-calls.js";

export const API_SCENARIOS: readonly Scenario[] = [apiCall, agentCall];
