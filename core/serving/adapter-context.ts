/**
 * What an adapter receives with every call, whatever its kind: the product without its keys, its
 * options, a logger bound to the call, the test flag and, for a metered listing, its usage recorder.
 * Built the same way by every interface that calls an adapter and by the outbox.
 */
import { DEFAULT_ENCRYPT_TYPE } from "../crypto/credential.js";
import type { Logger } from "../logger.js";
import { usageRecorderOf, type UsageRecorder } from "../metering/ledger.js";
import type { ProductBase } from "../products/definition.js";
import type { EncryptType } from "../vocabulary.js";
import { adapterLogger } from "./call-context.js";

/** What an adapter knows of the product it serves (no keys). */
export interface ProductInfo {
  id: string;
  name: string;
  encryptType: EncryptType;
}

/** Passed with every adapter call. */
export interface AdapterContext<Options = Record<string, unknown>> {
  product: ProductInfo;
  /** the definition's `options`, already validated by the adapter's `optionsSchema` */
  options: Options;
  /** a logger bound to this call (product, activity, instance) */
  logger: Logger;
  /** true for a Seller Console debugging call (`testFlag=1`): do not touch real resources */
  test: boolean;
  /** records pay-per-use usage of this product (`metering: { enabled: true }`); absent otherwise */
  metering?: UsageRecorder;
}

/**
 * The context of one adapter call, bound to the call's activity and instance (or code reference) and,
 * for an outbox attempt, the job's id.
 */
export function adapterContext(
  product: ProductBase & { encryptType?: EncryptType },
  logger: Logger,
  call: { activity: string; instanceId: string; test: boolean; id?: number },
): AdapterContext {
  const fields = call.id === undefined ? {} : { job: call.id };
  return {
    product: { id: product.id, name: product.name, encryptType: product.encryptType ?? DEFAULT_ENCRYPT_TYPE },
    options: product.options,
    logger: adapterLogger(logger, product, { activity: call.activity, instanceId: call.instanceId, ...fields }),
    test: call.test,
    metering: usageRecorderOf(product),
  };
}
