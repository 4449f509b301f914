/**
 * The licence relay as the merchant's software uses it (docs/marketplace/license.md §2.3), against `koogate marketplace`:
 * a test code issued there, activate, activate again (its status, not an error), check twice (the second
 * from the day's cache), usage, and a malformed request (400).
 */
import type { Scenario } from "../../../simulation/scenario.js";
import { forLicense, issueTestCode, MARKETPLACE_OPTION } from "./requirements.js";

export const licenseRelay: Scenario = {
  name: "license-relay",
  summary: "licence relay: activate, activate again, check, check (cached), usage, malformed",
  ...forLicense("code"),
  options: { marketplace: MARKETPLACE_OPTION },
  async run(ctx) {
    const t = ctx.target;
    const code = await issueTestCode(ctx.option("marketplace")!);
    const call = async (action: string, body: unknown) => {
      const res = await fetch(`${t.baseUrl}/licenses/${t.product.id}/${action}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" }, signal: AbortSignal.timeout(t.timeoutMs) });
      return { status: res.status, json: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    };
    const expect = (name: string, r: { status: number; json: Record<string, unknown> }, status: number, want: Record<string, unknown> = {}) => {
      const wrong = Object.entries(want).filter(([k, v]) => r.json[k] !== v);
      ctx.check(name, r.status === status && wrong.length === 0 ? null : `HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 120)}, expected ${status} ${JSON.stringify(want)}`, `HTTP ${r.status}`);
    };
    expect("activate", await call("activate", { license: code }), 200, { status: "ALIVE", activated: true });
    expect("activate again", await call("activate", { license: code }), 200, { status: "ALIVE", activated: false });
    expect("check", await call("check", { license: code }), 200, { status: "ALIVE" });
    expect("check (cached for the day)", await call("check", { license: code }), 200, { status: "ALIVE" });
    expect("usage", await call("usage", { license: code, id: "sim-client-1" }), 202, { recorded: true });
    expect("malformed", await call("check", { licence: code }), 400);
  },
};
