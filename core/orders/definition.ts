/**
 * How a product opts into order notification (docs/marketplace/api-image-openapi.md §5): a kind that
 * can receive it sets `Kind.orderNotify` and adds `ORDER_NOTIFY_SCHEMA` to its schema; a definition
 * then says `orderNotify: { enabled: true }` and lists `keys.general`, the key KooGallery signs the
 * notification with. A kind the marketplace never notifies (images) calls `refuseOrderNotify` in its
 * `load`, so that a definition asking for it is refused at start with the reason.
 */
import { SetupError } from "../errors.js";
import type { BaseDefinition, ProductBase } from "../products/definition.js";

/** The `orderNotify:` field of a definition, for a kind's schema `properties`. */
export const ORDER_NOTIFY_SCHEMA = {
  orderNotify: {
    description:
      "Order notification (docs/marketplace/api-image-openapi.md §5): KooGallery POSTs activity=orderNotify to the production URL, signed with keys.general; koogate answers 000000, fetches the order with query order (KOOGATE_MARKETPLACE_* variables) and stores it.",
    type: "object",
    additionalProperties: false,
    required: ["enabled"],
    properties: { enabled: { description: "Receive order notifications.", type: "boolean" } },
  },
} as const;

/** A product's order-notification setting after loading. */
export interface OrderNotifySettings {
  enabled: boolean;
}

/** A product of a kind that can receive order notifications. */
export interface OrderNotifying extends ProductBase {
  orderNotify: OrderNotifySettings;
}

/** Whether `product` receives order notifications. */
export function receivesOrderNotify(product: ProductBase): product is OrderNotifying {
  return (product as Partial<OrderNotifying>).orderNotify?.enabled === true;
}

/** The setting of a definition (off when absent). */
export function loadOrderNotify(def: BaseDefinition): OrderNotifySettings {
  const o = def.orderNotify as { enabled?: boolean } | undefined;
  return { enabled: o?.enabled === true };
}

/**
 * For kinds the marketplace never notifies: refuses a definition that asks for it.
 * @throws SetupError naming the file and the path
 */
export function refuseOrderNotify(def: BaseDefinition, base: ProductBase, why: string): void {
  if (def.orderNotify !== undefined) throw new SetupError(`orderNotify is not available here: ${why}; remove orderNotify`, base.file, "/orderNotify");
}
