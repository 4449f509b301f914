/**
 * The adapter the benchmark serves with: it answers at once and touches nothing, so that the figures
 * are koogate's own cost (signature, nonce, idempotency, state, event log, Body-Sign) and not a backend's.
 * (The demo adapter hashes each generated password with scrypt, about 50 ms of CPU per newInstance.)
 */
import { injectable } from "tsyringe";
import type { NewInstanceRequest, NewInstanceResult, SaasAdapter } from "../core/kinds/saas/adapter.js";

@injectable()
export class BenchSaasAdapter implements SaasAdapter {
  static readonly kind = "saas" as const;

  async newInstance(req: NewInstanceRequest): Promise<NewInstanceResult> {
    return { appInfo: { frontEndUrl: `https://bench.example/login?tenant=${req.instanceId}`, userName: "bench", password: "Bench-Password-1" } };
  }
  async refreshInstance(): Promise<void> {}
  async updateInstanceStatus(): Promise<void> {}
  async releaseInstance(): Promise<void> {}
  async upgradeInstance(): Promise<void> {}
}
