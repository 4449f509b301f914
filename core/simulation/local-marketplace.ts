/**
 * What the local marketplace (sim/marketplace/, `koogate marketplace`) answers on its `/_local/*`
 * routes, as the scenarios read it (./local-marketplace-client.ts): the orders it knows, the faults it
 * can inject, the calls it received and the usage it accepted.
 */

/** An order as the query-order API answers it in `orderInfo`; anything beyond `orderId` is free JSON. */
export interface LocalOrder {
  orderId: string;
  orderType?: string;
  createTime?: string;
  orderLine?: Record<string, unknown>[];
  buyerInfo?: Record<string, unknown>;
  [field: string]: unknown;
}

/** A fault answered instead of the real answer: HTTP 500, no answer in time, or throttling (429). */
export const FAULTS = ["500", "timeout", "throttle"] as const;
export type Fault = (typeof FAULTS)[number];

/** A usage record the local marketplace accepted, as it was received. */
export interface AcceptedUsage {
  record: Readonly<Record<string, unknown>>;
  metering_sn: string;
  /** which registered key signed it */
  keyId: string;
}

/** A call the local marketplace received. */
export interface ReceivedCall {
  method: string;
  path: string;
  /** the raw query string, as received */
  query: string;
  /** the fault injected instead of an answer, if any */
  fault?: Fault;
  /** whether the call's signature verified (AK/SK, or the usage push's key); absent when a fault answered first */
  signature?: "valid" | "invalid";
}
