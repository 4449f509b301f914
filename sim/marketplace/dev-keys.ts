/**
 * The development AK/SK pair of the local marketplace, used when KOOGATE_MARKETPLACE_AK / _SK are not
 * set. Public on purpose (it is in the source): it protects nothing and must never reach KooGallery.
 * Export both variables with these values in the process that calls the local marketplace.
 */
export const DEV_MARKETPLACE_AK = "KOOGATE-LOCAL-AK";
export const DEV_MARKETPLACE_SK = "koogate-local-development-secret";
