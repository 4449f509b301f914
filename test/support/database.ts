/** Moved into the package (koogate/testing): testing/database.ts. Kept so tests import one place. */
export * from "../../testing/database.js";
