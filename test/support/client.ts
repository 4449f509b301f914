/** Moved into the package (koogate/testing): core/testing/client.ts. Kept so tests import one place. */
export * from "../../core/testing/client.js";
