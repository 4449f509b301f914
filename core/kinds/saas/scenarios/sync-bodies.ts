/**
 * The bodies KooGallery sends for the joint-operation sync calls (docs/marketplace/saas.md §5), fields in the order of
 * the spec's tables and example. Numbers (`flag`, `testFlag`) travel as JSON numbers, as in the
 * spec's tenantSync example; `userList` and `orgInfo` as arrays (the 2.0 form).
 */
import { randomBytes } from "node:crypto";

type TestFlag = "0" | "1";

/** UTC+8 offset of the joint-op times (docs/marketplace/saas.md §5). */
const UTC8_MS = 8 * 3600_000;

/** A joint-op `timeStamp` / `currentSyncTime`: `yyyyMMddHHmmssSSS` in UTC+8 (docs/marketplace/saas.md §5). */
export function syncTime(ms: number): string {
  return new Date(ms + UTC8_MS).toISOString().replace(/[-:TZ.]/g, "");
}

/** A tenantId as the marketplace writes them: 32 lower-case hex characters (docs/marketplace/saas.md §5 example). */
export function newTenantId(): string {
  return randomBytes(16).toString("hex");
}

interface Common {
  instanceId: string;
  tenantId: string;
  testFlag: TestFlag;
  timeStamp: string;
}

/** flag 1 = add, 0 = delete. */
export function tenantSyncBody(f: Common & { orderId: string; tenantCode: string; name: string; domainName: string; flag: 0 | 1 }) {
  return {
    instanceId: f.instanceId,
    orderId: f.orderId,
    tenantId: f.tenantId,
    tenantCode: f.tenantCode,
    name: f.name,
    domainName: f.domainName,
    flag: f.flag,
    testFlag: Number(f.testFlag),
    timeStamp: f.timeStamp,
  };
}

/** flag 1 = add, 2 = modify, 0 = delete; `clientSecret` is RSA-OAEP encrypted, base64 (docs/marketplace/saas.md §5). */
export function applicationSyncBody(f: Common & { appId: string; clientId: string; clientSecret: string; flag: 0 | 1 | 2 }) {
  return {
    instanceId: f.instanceId,
    tenantId: f.tenantId,
    appId: f.appId,
    clientId: f.clientId,
    clientSecret: f.clientSecret,
    flag: f.flag,
    testFlag: Number(f.testFlag),
    timeStamp: f.timeStamp,
  };
}

/** One user of authSync's `userList` (docs/marketplace/saas.md §5: name, orgCode, role, enable mandatory on add). */
export interface SyncUserBody {
  userName: string;
  name: string;
  orgCode: string;
  role: "user" | "admin";
  enable: boolean;
}

/** flag 1 = add, 2 = modify, 3 = revoke, 0 = delete. */
export function authSyncBody(f: Common & { appId: string; userList: SyncUserBody[]; flag: 0 | 1 | 2 | 3 }) {
  return {
    instanceId: f.instanceId,
    tenantId: f.tenantId,
    appId: f.appId,
    userList: f.userList,
    currentSyncTime: f.timeStamp,
    flag: f.flag,
    testFlag: Number(f.testFlag),
    timeStamp: f.timeStamp,
  };
}

/** One department (docs/marketplace/saas.md §5: a flat list; the root's parentCode is null). */
export interface OrgUnitBody {
  orgCode: string;
  name: string;
  parentCode: string | null;
}

/** One department change at the top level; fields UNCONFIRMED (docs/marketplace/saas.md §5). flag 1 = add, 2 = modify, 0 = delete. */
export function singleOrgSyncBody(f: Common & { unit: OrgUnitBody; flag: 0 | 1 | 2 }) {
  return { instanceId: f.instanceId, tenantId: f.tenantId, ...f.unit, flag: f.flag, testFlag: Number(f.testFlag), timeStamp: f.timeStamp };
}

/** The whole tree, replacing what the merchant holds for the tenant. */
export function allOrgSyncBody(f: Common & { orgInfo: OrgUnitBody[] }) {
  return { instanceId: f.instanceId, tenantId: f.tenantId, orgInfo: f.orgInfo, testFlag: Number(f.testFlag), timeStamp: f.timeStamp };
}
