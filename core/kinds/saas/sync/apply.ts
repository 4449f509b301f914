/**
 * What each joint-operation sync does once it is authentic and well-formed (docs/marketplace/saas.md §5): the state
 * written to JointOperationStore in one transaction, and the hook call the adapter gets afterwards.
 */
import { inject, injectable } from "tsyringe";
import { sealAtRest } from "../../../crypto/at-rest.js";
import { CallError } from "../../../errors.js";
import { JointOperationStore, type TenantScope, type UserState } from "./store.js";
import { CLOCK, DATABASE, LOGGER, type Clock, type Knex, type Logger } from "../../../tokens.js";
import { assertNever } from "../../../vocabulary.js";
import type { ServedSaasProduct } from "../product.js";
import type { AdapterContext } from "../adapter.js";
import { openClientSecret } from "./client-secret.js";
import type { JointOperationHooks } from "./hooks.js";
import type { SyncRequest } from "./requests.js";

/** What applying a sync did. */
export interface Applied {
  /** false: a newer sync of the same rows was already stored; nothing changed */
  landed: boolean;
  /** for the event and the log line */
  detail?: string;
  /** the adapter's hook for this change, when it has one and the change landed */
  hook?: (ctx: AdapterContext) => Promise<void>;
}

const AUTH_ACTIONS = ["delete", "add", "modify", "revoke"] as const;
const ORG_ACTIONS = ["delete", "add", "modify"] as const;
const USER_STATE: Record<0 | 1 | 2 | 3, UserState> = { 0: "deleted", 1: "authorized", 2: "authorized", 3: "revoked" };

@injectable()
export class JointSyncApplier {
  constructor(
    @inject(DATABASE) private readonly db: Knex,
    private readonly store: JointOperationStore,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Stores the change in one transaction. @throws CallError 000101 when clientSecret cannot be opened */
  async apply(sp: ServedSaasProduct, req: SyncRequest): Promise<Applied> {
    const hooks = sp.adapter as Partial<JointOperationHooks>;
    const scope: TenantScope = { productId: sp.product.id, instanceId: req.instanceId, tenantId: req.tenantId };
    const now = this.clock.now();
    const base = { instanceId: req.instanceId, tenantId: req.tenantId, syncAt: new Date(req.syncAt) };
    switch (req.sync) {
      case "tenantSync": {
        const deleted = req.flag === 0;
        const landed = await this.store.putTenant(
          { ...scope, orderId: req.orderId, tenantCode: req.tenantCode, name: req.name, domainName: req.domainName, deleted, test: req.test, syncAt: req.syncAt },
          now,
        );
        const change = { ...base, orderId: req.orderId, tenantCode: req.tenantCode, name: req.name, domainName: req.domainName, deleted };
        return result(landed, hooks.onTenantSync && ((ctx) => hooks.onTenantSync!(change, ctx)));
      }
      case "applicationSync": {
        const deleted = req.flag === 0;
        const secret = deleted ? null : this.openSecret(sp, req.clientSecret!);
        const landed = await this.store.putApplication(
          {
            ...scope,
            appId: req.appId,
            clientId: deleted ? null : req.clientId,
            // sealed with the kit key: the secret of this interface (core/crypto/at-rest.ts)
            clientSecretSealed: secret === null ? null : sealAtRest(secret, sp.product.keys.kit[0]!),
            deleted,
            test: req.test,
            syncAt: req.syncAt,
          },
          now,
        );
        const change = { ...base, appId: req.appId, clientId: deleted ? null : req.clientId, clientSecret: secret, deleted };
        return result(landed, hooks.onApplicationSync && ((ctx) => hooks.onApplicationSync!(change, ctx)));
      }
      case "authSync": {
        const state = USER_STATE[req.flag];
        const rows = req.users.map((u) => ({ ...scope, ...u, appId: req.appId, state, enabled: state === "authorized" && u.enabled, test: req.test, syncAt: req.syncAt }));
        const landed = await this.db.transaction((trx) => this.store.putUsers(rows, now, trx));
        const users = req.users.filter((u) => landed.includes(u.userName));
        const change = { ...base, appId: req.appId, action: AUTH_ACTIONS[req.flag], users };
        const detail = landed.length < rows.length ? `${rows.length - landed.length} of ${rows.length} users superseded by a newer sync` : undefined;
        return { ...result(landed.length > 0, hooks.onAuthSync && ((ctx) => hooks.onAuthSync!(change, ctx))), ...(detail && landed.length > 0 ? { detail } : {}) };
      }
      case "singleOrgSync": {
        const landed = await this.db.transaction((trx) => this.store.changeOrgUnit(scope, req.unit, req.flag === 0, req.syncAt, now, trx));
        const change = { ...base, kind: "single" as const, action: ORG_ACTIONS[req.flag], unit: req.unit };
        return result(landed, hooks.onOrgSync && ((ctx) => hooks.onOrgSync!(change, ctx)));
      }
      case "allOrgSync": {
        const landed = await this.db.transaction((trx) => this.store.replaceOrgTree(scope, req.units, req.syncAt, now, trx));
        const change = { ...base, kind: "full" as const, units: req.units };
        return result(landed, hooks.onOrgSync && ((ctx) => hooks.onOrgSync!(change, ctx)));
      }
      default:
        return assertNever(req);
    }
  }

  /** @throws CallError 000101 (docs/marketplace/saas.md §6: "something wrong with appSecret") */
  private openSecret(sp: ServedSaasProduct, cipherText: string): string {
    const key = sp.product.jointOperation.privateKey;
    if (!key) {
      throw new CallError("000101", undefined, `no RSA private key configured (jointOperation.privateKey of ${sp.product.file}): clientSecret cannot be opened`);
    }
    const opened = openClientSecret(cipherText, key);
    if (!opened) throw new CallError("000101", undefined, "clientSecret opens with neither SHA-256 nor SHA-1 OAEP under the configured private key");
    this.logger.debug("clientSecret opened", { product: sp.product.id, oaepHash: opened.oaepHash });
    return opened.secret;
  }
}

function result(landed: boolean, hook: ((ctx: AdapterContext) => Promise<void>) | undefined): Applied {
  if (!landed) return { landed, detail: "superseded by a newer sync; nothing changed" };
  return hook ? { landed, hook } : { landed };
}
