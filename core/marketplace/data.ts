/**
 * The typed data of the open APIs' successful answers, read field by field from the JSON received:
 * a field of the wrong type reads as absent, and fields not named here are ignored ("response objects
 * may gain fields", docs/marketplace/license.md §2.3).
 */
import type { JsonObject } from "./answers.js";

export interface ProductInfo {
  productId?: string;
  skuCode?: string;
  /** the quantity of a linear (quantity-priced) SKU */
  linearValue?: number;
  productName?: string;
}

export interface OrderLine {
  orderLineId?: string;
  /** e.g. `PERIOD`, `ONE_TIME`, `ON_DEMAND` */
  chargingMode?: string;
  periodType?: string;
  periodNumber?: number;
  /** `yyyyMMddHHmmss` */
  expireTime?: string;
  productInfo: ProductInfo[];
  extendParams: { name: string; value: string }[];
  /** amounts as strings, as answered */
  currency?: string;
  currencyAfterDiscount?: string;
}

export interface BuyerInfo {
  customerId?: string;
  customerName?: string;
  customerType?: number;
  userId?: string;
  userName?: string;
}

/**
 * An order (docs/marketplace/api-image-openapi.md §3). UNCONFIRMED (§11.3): the full field list is
 * known only from a mock order's recorded answer; these are its fields.
 */
export interface OrderInfo {
  orderId?: string;
  /** e.g. `NEW`, `RENEW`, `CHANGE`, `UNSUBSCRIBE` */
  orderType?: string;
  /** `yyyyMMddHHmmss` */
  createTime?: string;
  orderLine: OrderLine[];
  buyerInfo?: BuyerInfo;
}

/** What activating one code answers (docs/marketplace/license.md §2.3, v1); `expireTime` is an estimate there. */
export interface LicenseCodeInfo {
  status?: string;
  expireTime?: string;
  productId?: string;
  orderId?: string;
  amount?: number;
}

/** A code's state as queried ("heartbeat", docs/marketplace/license.md §2.3). */
export interface LicenseInfo {
  licenseCode?: string;
  /** `ALIVE`, `EXPIRED` or `RELEASED` */
  status?: string;
  activateTime?: string;
  /** UNCONFIRMED field name (`expire_time`, as in activate) */
  expireTime?: string;
  /** UNCONFIRMED: not among the published fields; read when the answer carries `product_id` (as activate's does) */
  productId?: string;
  /** UNCONFIRMED likewise (`sku_code`) */
  skuCode?: string;
}

/** A usage record the marketplace did not take (docs/marketplace/api-image-openapi.md §4: `abnormal_usage_data`). */
export interface AbnormalUsage {
  meteringSn?: string;
  instanceId?: string;
  code?: string;
  message?: string;
}

export interface UsagePushData {
  /** UNCONFIRMED item fields; empty when every record was taken */
  abnormal: AbnormalUsage[];
}

export const text = (o: JsonObject, k: string): string | undefined => (typeof o[k] === "string" ? (o[k] as string) : undefined);
export const num = (o: JsonObject, k: string): number | undefined => (typeof o[k] === "number" ? (o[k] as number) : undefined);
export const obj = (o: JsonObject, k: string): JsonObject | undefined => {
  const v = o[k];
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as JsonObject) : undefined;
};
export const objects = (o: JsonObject, k: string): JsonObject[] => {
  const v = o[k];
  return Array.isArray(v) ? v.filter((x): x is JsonObject => x !== null && typeof x === "object" && !Array.isArray(x)) : [];
};

export function readOrder(body: JsonObject): OrderInfo {
  const o = obj(body, "orderInfo") ?? {};
  const buyer = obj(o, "buyerInfo");
  return {
    orderId: text(o, "orderId"),
    orderType: text(o, "orderType"),
    createTime: text(o, "createTime"),
    orderLine: objects(o, "orderLine").map((l) => ({
      orderLineId: text(l, "orderLineId"),
      chargingMode: text(l, "chargingMode"),
      periodType: text(l, "periodType"),
      periodNumber: num(l, "periodNumber"),
      expireTime: text(l, "expireTime"),
      productInfo: objects(l, "productInfo").map((p) => ({
        productId: text(p, "productId"),
        skuCode: text(p, "skuCode"),
        linearValue: num(p, "linearValue"),
        productName: text(p, "productName"),
      })),
      extendParams: objects(l, "extendParams").map((p) => ({ name: text(p, "name") ?? "", value: text(p, "value") ?? "" })),
      currency: text(l, "currency"),
      currencyAfterDiscount: text(l, "currencyAfterDiscount"),
    })),
    buyerInfo: buyer && {
      customerId: text(buyer, "customerId"),
      customerName: text(buyer, "customerName"),
      customerType: num(buyer, "customerType"),
      userId: text(buyer, "userId"),
      userName: text(buyer, "userName"),
    },
  };
}

/** `data.license_code_info` is a JSON *string* (docs/marketplace/license.md §2.3); an unreadable one gives no fields. */
export function readLicenseCodeInfo(body: JsonObject): LicenseCodeInfo {
  const raw = text(obj(body, "data") ?? {}, "license_code_info");
  let info: JsonObject = {};
  try {
    const parsed: unknown = raw === undefined ? {} : JSON.parse(raw);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) info = parsed as JsonObject;
  } catch {
    // a string that is not JSON: nothing can be read from it
  }
  return {
    status: text(info, "status"),
    expireTime: text(info, "expire_time"),
    productId: text(info, "product_id"),
    orderId: text(info, "order_id"),
    amount: num(info, "amount"),
  };
}

export function readLicenseInfo(body: JsonObject): LicenseInfo {
  const d = obj(body, "data") ?? {};
  return {
    licenseCode: text(d, "license_code"),
    status: text(d, "status"),
    activateTime: text(d, "activate_time"),
    expireTime: text(d, "expire_time"),
    productId: text(d, "product_id"),
    skuCode: text(d, "sku_code"),
  };
}

export function readUsagePush(body: JsonObject): UsagePushData {
  const holder = obj(body, "AbnormalUsageDataInfo") ?? body;
  return {
    abnormal: objects(holder, "abnormal_usage_data").map((a) => ({
      meteringSn: text(a, "metering_sn"),
      instanceId: text(a, "instance_id"),
      code: text(a, "error_code"),
      message: text(a, "error_msg"),
    })),
  };
}
