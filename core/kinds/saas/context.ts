import type { Logger } from "../../logger.js";
import { usageRecorderOf } from "../../metering/ledger.js";
import { adapterLogger } from "../../serving/call-context.js";
import type { AdapterContext } from "./adapter.js";
import type { SaasProduct } from "./product.js";

/**
 * The context of one SaaS adapter call: the product without its keys, its options, a logger bound to
 * the call, the test flag. Built the same way by the 2.0, 1.0 and sync interfaces and the outbox.
 */
export function adapterContext(product: SaasProduct, logger: Logger, call: { activity: string; instanceId: string; test: boolean; id?: number }): AdapterContext {
  const fields = call.id === undefined ? {} : { job: call.id };
  return {
    product: { id: product.id, name: product.name, encryptType: product.encryptType },
    options: product.options,
    logger: adapterLogger(logger, product, { activity: call.activity, instanceId: call.instanceId, ...fields }),
    test: call.test,
    metering: usageRecorderOf(product),
  };
}
