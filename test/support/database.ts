/** Moved into the package (koogate/testing): core/testing/database.ts. Kept so tests import one place. */
export * from "../../core/testing/database.js";
