/**
 * What every entry point of a SaaS listing (the 2.0 service, the 1.0 service, the sync service and the
 * outbox) builds the same way: the context an adapter call receives, and the one log line per call.
 */
import type { LogFields, Logger } from "../../logger.js";
import type { Product } from "../../products/definition.js";
import type { Verdict } from "../../vocabulary.js";
import type { AdapterContext } from "./adapter.js";

/** The context of one adapter call: the product without its keys, its options, a bound logger, the test flag. */
export function adapterContext(
  product: Product,
  logger: Logger,
  call: { activity: string; instanceId: string; test: boolean },
  fields: LogFields = {},
): AdapterContext {
  return {
    product: { id: product.id, name: product.name, encryptType: product.encryptType },
    options: product.options,
    logger: logger.child({ product: product.id, activity: call.activity, instanceId: call.instanceId, ...fields }),
    test: call.test,
  };
}

/**
 * The log line of a served call, at a level chosen by its verdict: failed → error, refused → warn,
 * anything else → info. `noun` names the kind of call ("call", "sync").
 */
export function logCall(logger: Logger, verdict: Verdict, fields: LogFields, noun = "call"): void {
  if (verdict === "failed") logger.error(`${noun} failed`, fields);
  else if (verdict === "rejected") logger.warn(`${noun} refused`, fields);
  else logger.info(noun, fields);
}
