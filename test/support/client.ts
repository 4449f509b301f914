/** Moved into the package (koogate/testing): testing/client.ts. Kept so tests import one place. */
export * from "../../testing/client.js";
