/** Moved into the package (koogate/testing): testing/client.ts. Kept so tests import one place. */
import type { SendOptions as PackageSendOptions } from "../../testing/client.js";
export * from "../../testing/client.js";

/** The tests' send options: the product defaults to the suite's SaaS listing, "test-saas" (test/support/server.ts). */
export type SendOptions = Partial<PackageSendOptions>;

/** The product of a test call when the test names none. */
export const DEFAULT_TEST_PRODUCT = "test-saas";
