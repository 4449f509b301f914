/**
 * What the local marketplace knows and remembers: orders, authorization codes and their states, the
 * basic keys usage pushes are signed with, accepted usage records, uploads, every open-API call
 * received, and the faults still to inject. Tests read and change it directly; the `/_local/*` routes
 * expose the same to other processes.
 */
import { randomBytes } from "node:crypto";
import { mockOrders, type LocalOrder } from "./orders.js";

export { FAULTS, type Fault } from "../../core/simulation/local-marketplace.js";
import type { Fault } from "../../core/simulation/local-marketplace.js";

/**
 * An authorization code's state (docs/marketplace/license.md §2.1, §2.3): issued but not yet received
 * by the buyer, received (activatable), then `ALIVE`, `EXPIRED` or `RELEASED`.
 */
export type LicenseState = "NOT_RECEIVED" | "RECEIVED" | "ALIVE" | "EXPIRED" | "RELEASED";

export interface LocalLicense {
  code: string;
  state: LicenseState;
  productId: string;
  orderId: string;
  amount: number;
  /** `yyyyMMddHHmmss` UTC */
  expireTime: string;
  /** `yyyyMMddHHmmss` UTC, once activated */
  activateTime?: string;
}

export type { AcceptedUsage } from "../../core/simulation/local-marketplace.js";
import type { AcceptedUsage } from "../../core/simulation/local-marketplace.js";

export interface LocalUpload {
  eventId: string;
  type: string;
  fileName?: string;
  sha256?: string;
  characters?: string;
  /** the file part's bytes, for FILE */
  file?: Buffer;
}

export type { ReceivedCall } from "../../core/simulation/local-marketplace.js";
import type { ReceivedCall } from "../../core/simulation/local-marketplace.js";

export class LocalMarketplaceState {
  readonly orders = new Map<string, LocalOrder>();
  readonly licenses = new Map<string, LocalLicense>();
  /** basic keys by product id or app key */
  readonly usageKeys = new Map<string, string>();
  readonly usage: AcceptedUsage[] = [];
  /** `usage` by metering_sn, the first record of each: brought up to date on each look-up, since tests add to `usage` directly */
  private readonly usageBySn = new Map<string, AcceptedUsage>();
  private usageIndexed = 0;
  readonly softwareUsage: Readonly<Record<string, unknown>>[] = [];
  readonly uploads: LocalUpload[] = [];
  /** every open-API call received, faulted ones included, oldest first */
  readonly calls: ReceivedCall[] = [];
  private pending: Fault[] = [];

  /**
   * The accepted record of `meteringSn`, if any: a look-up in an index, not a scan of `usage` per record
   * (a push of 1000 records against 5000 accepted ones was ten million comparisons, issue 21).
   */
  acceptedUsage(meteringSn: unknown): AcceptedUsage | undefined {
    for (; this.usageIndexed < this.usage.length; this.usageIndexed++) {
      const u = this.usage[this.usageIndexed]!;
      if (!this.usageBySn.has(u.metering_sn)) this.usageBySn.set(u.metering_sn, u);
    }
    return typeof meteringSn === "string" ? this.usageBySn.get(meteringSn) : undefined;
  }

  constructor(
    /** a fault answered to every call once `failNext` has none left; default none */
    public alwaysFault?: Fault,
  ) {
    for (const o of mockOrders()) this.addOrder(o);
  }

  /** Registers (or replaces) an order; a line without `orderLineId` gets `<orderId>-00000n`. */
  addOrder(order: LocalOrder): LocalOrder {
    const lines = (order.orderLine ?? []).map((l, i) => ({ orderLineId: `${order.orderId}-${String(i + 1).padStart(6, "0")}`, ...l }));
    const stored = { ...order, orderLine: lines };
    this.orders.set(order.orderId, stored);
    return stored;
  }

  /**
   * Issues a test authorization code (docs/marketplace/license.md §2.4). `received: false` leaves it not yet received
   * by the buyer, so activating it answers `92020004`.
   */
  issueLicense(opts: { code?: string; received?: boolean; productId?: string; orderId?: string; amount?: number; expireTime?: string } = {}): LocalLicense {
    const license: LocalLicense = {
      code: opts.code ?? `PLTEST${randomBytes(5).toString("hex").toUpperCase()}`,
      state: opts.received === false ? "NOT_RECEIVED" : "RECEIVED",
      productId: opts.productId ?? "OFFI846204237451911168",
      orderId: opts.orderId ?? "MOCKPERIODYEARNEW",
      amount: opts.amount ?? 1,
      expireTime: opts.expireTime ?? "20991231235959",
    };
    this.licenses.set(license.code, license);
    return license;
  }

  /** Moves a code to a state, as the marketplace does on receipt, expiry or release. */
  setLicenseState(code: string, state: LicenseState): void {
    const l = this.licenses.get(code);
    if (!l) throw new Error(`no authorization code ${code}`);
    l.state = state;
  }

  /** The basic key usage pushes for `id` (a product id or an app key) are signed with. */
  setUsageKey(id: string, key: string): void {
    this.usageKeys.set(id, key);
  }

  /** Answers the next `count` open-API calls with `fault` (after any already queued). */
  failNext(count: number, fault: Fault): void {
    for (let i = 0; i < count; i++) this.pending.push(fault);
  }

  /** The fault for the call being served, if any; consumes one from `failNext`. */
  takeFault(): Fault | undefined {
    return this.pending.shift() ?? this.alwaysFault;
  }
}
