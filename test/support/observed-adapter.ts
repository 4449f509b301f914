/**
 * The demo adapter, recording what koogate hands it: the typed requests of the lifecycle and the
 * joint-operation hook calls. Tests assert on what an adapter sees, never on the wire.
 */
import { inject, injectable } from "tsyringe";
import { DemoSaasAdapter, type DemoSaasOptions } from "../../adapters/demo-saas.js";
import type { AdapterContext, NewInstanceRequest, NewInstanceResult, RefreshInstanceRequest, UpgradeInstanceRequest } from "../../core/kinds/saas/adapter.js";
import type { ApplicationChange, AuthChange, JointOperationHooks, OrgChange, TenantChange } from "../../core/kinds/saas/sync/hooks.js";
import { DATABASE, type Knex, SETTINGS_TOKEN } from "../../core/tokens.js";
import type { Settings } from "../../core/settings/index.js";

export interface Recorded {
  method: string;
  req: unknown;
  test: boolean;
}

@injectable()
export class ObservedDemoAdapter extends DemoSaasAdapter implements JointOperationHooks {
  static readonly calls: Recorded[] = [];
  /** the next hook call throws this many times */
  static failHooks = 0;

  constructor(@inject(DATABASE) db: Knex, @inject(SETTINGS_TOKEN) settings: Settings) {
    super(db, settings);
  }

  private record(method: string, req: unknown, ctx: AdapterContext) {
    ObservedDemoAdapter.calls.push({ method, req, test: ctx.test });
  }

  private hook(method: string, change: unknown, ctx: AdapterContext): Promise<void> {
    this.record(method, change, ctx);
    if (ObservedDemoAdapter.failHooks > 0) {
      ObservedDemoAdapter.failHooks--;
      return Promise.reject(new Error("the merchant's directory is down"));
    }
    return Promise.resolve();
  }

  override async newInstance(req: NewInstanceRequest, ctx: AdapterContext<DemoSaasOptions>): Promise<NewInstanceResult> {
    this.record("newInstance", req, ctx);
    return super.newInstance(req, ctx);
  }

  override async refreshInstance(req: RefreshInstanceRequest): Promise<void> {
    ObservedDemoAdapter.calls.push({ method: "refreshInstance", req, test: false });
    return super.refreshInstance(req);
  }

  override async upgradeInstance(req: UpgradeInstanceRequest): Promise<void> {
    ObservedDemoAdapter.calls.push({ method: "upgradeInstance", req, test: false });
    return super.upgradeInstance(req);
  }

  onTenantSync(change: TenantChange, ctx: AdapterContext) {
    return this.hook("onTenantSync", change, ctx);
  }
  onApplicationSync(change: ApplicationChange, ctx: AdapterContext) {
    return this.hook("onApplicationSync", change, ctx);
  }
  onAuthSync(change: AuthChange, ctx: AdapterContext) {
    return this.hook("onAuthSync", change, ctx);
  }
  onOrgSync(change: OrgChange, ctx: AdapterContext) {
    return this.hook("onOrgSync", change, ctx);
  }
}
