/**
 * The field rules of the joint-operation sync calls (docs/marketplace/saas.md §5), one JSON Schema per call, and the
 * typed request each body becomes. A body that breaks them is answered `000002`.
 *
 * Both wire forms the spec shows are accepted: numbers (`flag`, `testFlag`) as JSON numbers or as
 * strings, and `userList` / `orgInfo` as arrays or as JSON text holding an array (1.0 sent text).
 * Unknown extra fields are allowed: the marketplace adds fields over time.
 */
import { Ajv, type ValidateFunction } from "ajv";
import { callErrors } from "../../../errors.js";
import { explainRule, identifier, parseJsonObject } from "../../../serving/field-rules.js";
import { parseMarketplaceTime } from "../../../time.js";
import { assertNever } from "../../../vocabulary.js";
import { type JointSync } from "../vocabulary.js";

const str = (maxLength: number) => ({ type: "string", minLength: 1, maxLength });
/** an identifier (tenantId, appId, orgCode, userName, …): printable, core/serving/field-rules.ts */
const id = (maxLength: number) => identifier(maxLength);
/** mandatory but may be empty: tenantSync's instanceId/orderId are "" for the seller's own credential application */
const maybeEmpty = (maxLength: number) => identifier(maxLength, true);
const optStr = (maxLength: number) => ({ type: ["string", "null"], maxLength });
const optId = (maxLength: number) => ({ ...identifier(maxLength, true), type: ["string", "null"] });
const intOf = (...values: number[]) => ({ enum: [...values, ...values.map(String)] });
const syncTime = { type: "string", pattern: "^\\d{14}(\\d{3})?$" };
/** `enable` is documented as true/false; the string forms are tolerated like the numbers are */
const bool = { enum: [true, false, "true", "false"] };

const base = (required: Record<string, unknown>, optional: Record<string, unknown> = {}) => ({
  type: "object",
  required: ["tenantId", "testFlag", "timeStamp", ...Object.keys(required)],
  properties: { tenantId: id(64), testFlag: intOf(0, 1), timeStamp: syncTime, currentSyncTime: syncTime, ...required, ...optional },
});

const user = {
  type: "object",
  required: ["userName"],
  properties: {
    userName: id(255),
    name: { type: "string", maxLength: 255 },
    position: optStr(255),
    orgCode: identifier(64, true),
    role: { enum: ["user", "admin"] },
    enable: bool,
    employeeCode: optId(64),
  },
};
const orgUnit = {
  type: "object",
  required: ["orgCode", "name"],
  properties: { orgCode: id(64), name: { type: "string", maxLength: 255 }, parentCode: optId(64) },
};

const SCHEMAS: Record<JointSync, object> = {
  tenantSync: base({
    instanceId: maybeEmpty(64),
    orderId: maybeEmpty(64),
    tenantCode: id(64),
    name: str(255),
    domainName: maybeEmpty(255),
    flag: intOf(0, 1),
  }),
  // Fields UNCONFIRMED beyond clientSecret (docs/marketplace/saas.md §5, §11.9): the names of the 1.0 kit pages are used.
  applicationSync: {
    ...base({ appId: id(64), flag: intOf(0, 1, 2) }, { instanceId: maybeEmpty(64), clientId: optId(255), clientSecret: optStr(4096) }),
    if: { properties: { flag: { enum: [1, 2, "1", "2"] } } },
    then: { required: ["clientId", "clientSecret"], properties: { clientId: id(255), clientSecret: str(4096) } },
  },
  authSync: {
    ...base({
      instanceId: maybeEmpty(64),
      appId: id(64),
      flag: intOf(0, 1, 2, 3),
      currentSyncTime: syncTime,
      userList: { type: "array", minItems: 1, items: user },
    }),
    // adds and modifications carry the whole user (docs/marketplace/saas.md §5: name, orgCode, role, enable are M)
    if: { properties: { flag: { enum: [1, 2, "1", "2"] } } },
    then: { properties: { userList: { items: { required: ["userName", "name", "orgCode", "role", "enable"] } } } },
  },
  // Fields UNCONFIRMED (docs/marketplace/saas.md §5): one unit at the top level, or in orgInfo (see singleUnit below).
  singleOrgSync: base({ flag: intOf(0, 1, 2) }, { instanceId: maybeEmpty(64), orgCode: id(64), name: { type: "string", maxLength: 255 }, parentCode: optId(64) }),
  allOrgSync: base({ instanceId: maybeEmpty(64), orgInfo: { type: "array", items: orgUnit } }),
};

const ajv = new Ajv({ allErrors: false, strict: false });
const VALIDATORS = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, ajv.compile(s)])) as Record<JointSync, ValidateFunction>;

export interface SyncUser {
  userName: string;
  name: string | null;
  position: string | null;
  orgCode: string | null;
  role: string | null;
  enabled: boolean;
  employeeCode: string | null;
}

export interface SyncOrgUnit {
  orgCode: string;
  name: string | null;
  parentCode: string | null;
}

interface Common {
  instanceId: string;
  tenantId: string;
  test: boolean;
  /** the delivery's marketplace time in ms: `currentSyncTime`, else `timeStamp` (UTC+8, docs/marketplace/saas.md §5) */
  syncAt: number;
}

/** A sync body that passed its rules. `flag` values keep the marketplace's meaning (docs/marketplace/saas.md §5). */
export type SyncRequest =
  | (Common & { sync: "tenantSync"; orderId: string; tenantCode: string; name: string; domainName: string; flag: 0 | 1 })
  | (Common & { sync: "applicationSync"; appId: string; clientId: string | null; clientSecret: string | null; flag: 0 | 1 | 2 })
  | (Common & { sync: "authSync"; appId: string; users: SyncUser[]; flag: 0 | 1 | 2 | 3 })
  | (Common & { sync: "singleOrgSync"; unit: SyncOrgUnit; flag: 0 | 1 | 2 })
  | (Common & { sync: "allOrgSync"; units: SyncOrgUnit[] });

/** What could be read before a rule failed, for the event log. */
export function peekSync(body: unknown): { instanceId?: string; test: boolean } {
  const o = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  return {
    instanceId: typeof o.instanceId === "string" && o.instanceId !== "" ? o.instanceId.slice(0, 64) : undefined,
    test: o.testFlag === 1 || o.testFlag === "1",
  };
}

/** UTC+8 offset of the joint-op times (docs/marketplace/saas.md §5). Only their order matters, but ms are kept true. */
const UTC8_MS = 8 * 3600_000;

/**
 * Parses and checks a sync body.
 * @throws CallError 000002 naming the first broken rule
 */
export function parseSyncRequest(sync: JointSync, rawBody: Buffer): SyncRequest {
  const o: Record<string, unknown> = { ...parseJsonObject(rawBody) };
  for (const k of ["userList", "orgInfo"]) o[k] = listFromText(k, o[k]);
  if (sync === "singleOrgSync") Object.assign(o, singleUnit(o));
  const validate = VALIDATORS[sync];
  if (!validate(o)) throw callErrors.param(`param is invalid: ${explainRule(validate.errors![0]!, { currentSyncTime: "yyyyMMddHHmmssSSS", timeStamp: "yyyyMMddHHmmssSSS" })}`);

  const time = (o.currentSyncTime ?? o.timeStamp) as string;
  const parsed = parseMarketplaceTime(time);
  if (!parsed) throw callErrors.param("param is invalid: timeStamp is not a real yyyyMMddHHmmssSSS time");
  const common: Common = {
    instanceId: (o.instanceId as string | undefined) ?? "",
    tenantId: o.tenantId as string,
    test: Number(o.testFlag) === 1,
    syncAt: parsed.getTime() - UTC8_MS,
  };
  const s = (k: string) => o[k] as string;
  const opt = (k: string) => (typeof o[k] === "string" && o[k] !== "" ? (o[k] as string) : null);
  switch (sync) {
    case "tenantSync":
      return { ...common, sync, orderId: s("orderId"), tenantCode: s("tenantCode"), name: s("name"), domainName: s("domainName"), flag: Number(o.flag) as 0 | 1 };
    case "applicationSync":
      return { ...common, sync, appId: s("appId"), clientId: opt("clientId"), clientSecret: opt("clientSecret"), flag: Number(o.flag) as 0 | 1 | 2 };
    case "authSync": {
      const users = (o.userList as Array<Record<string, unknown>>).map((u) => ({
        userName: u.userName as string,
        name: str0(u.name),
        position: str0(u.position),
        orgCode: str0(u.orgCode),
        role: str0(u.role),
        // a delete or revoke may omit enable: the user is then no longer enabled
        enabled: u.enable === true || u.enable === "true",
        employeeCode: str0(u.employeeCode),
      }));
      const names = new Set(users.map((u) => u.userName));
      if (names.size !== users.length) throw callErrors.param("param is invalid: userList names one userName twice");
      return { ...common, sync, appId: s("appId"), users, flag: Number(o.flag) as 0 | 1 | 2 | 3 };
    }
    case "singleOrgSync":
      return { ...common, sync, unit: unitOf(o), flag: Number(o.flag) as 0 | 1 | 2 };
    case "allOrgSync": {
      const units = (o.orgInfo as Array<Record<string, unknown>>).map(unitOf);
      if (new Set(units.map((u) => u.orgCode)).size !== units.length) throw callErrors.param("param is invalid: orgInfo names one orgCode twice");
      return { ...common, sync, units };
    }
    default:
      return assertNever(sync);
  }
}

/** `userList` / `orgInfo` sent as JSON text holding an array (the 1.0 form) become that array. */
function listFromText(field: string, v: unknown): unknown {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw callErrors.param(`param is invalid: ${field} is neither an array nor JSON text holding one`);
  }
}

/**
 * singleOrgSync's fields are UNCONFIRMED (docs/marketplace/saas.md §5): the unit is read from the top level, or from
 * `orgInfo` as an object or a one-element array (the allOrgSync form).
 */
function singleUnit(o: Record<string, unknown>): Record<string, unknown> {
  if (o.orgCode !== undefined || o.orgInfo === undefined) {
    if (o.orgCode === undefined) throw callErrors.param("param is invalid: orgCode is missing");
    return {};
  }
  const info = Array.isArray(o.orgInfo) ? (o.orgInfo.length === 1 ? o.orgInfo[0] : undefined) : o.orgInfo;
  if (!info || typeof info !== "object") throw callErrors.param("param is invalid: orgInfo must hold exactly one unit");
  const u = info as Record<string, unknown>;
  return { orgCode: u.orgCode, name: u.name, parentCode: u.parentCode };
}

function unitOf(u: Record<string, unknown>): SyncOrgUnit {
  return { orgCode: u.orgCode as string, name: str0(u.name), parentCode: str0(u.parentCode) };
}

const str0 = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

