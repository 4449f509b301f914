/**
 * Resolves a definition's `jointOperation` block (docs/marketplace/saas.md §5): checks that it can work (a kit key, a
 * 2.0 listing) and reads the merchant's RSA private key that opens applicationSync's clientSecret.
 */
import { createPrivateKey, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { SetupError } from "../../errors.js";
import type { Logger } from "../../logger.js";
import type { Environment } from "../../settings/reader.js";
import type { JointOperation, SaasDefinition } from "./product.js";

export interface JointOperationLoadOptions {
  env: Environment;
  production: boolean;
  logger: Logger;
}

const DISABLED: JointOperation = { enabled: false, privateKey: null, privateKeySource: null };

/** @throws SetupError naming the file, the path and the fix */
export function loadJointOperation(def: SaasDefinition, file: string, opts: JointOperationLoadOptions): JointOperation {
  const jo = def.jointOperation;
  if (!jo || !jo.enabled) return DISABLED;
  if ((def.protocol ?? "v2") !== "v2") {
    // The 1.0 kit calls carry an authToken header whose algorithm is UNCONFIRMED (docs/marketplace/saas.md §9).
    throw new SetupError("joint-operation sync is served for protocol v2 listings only; remove jointOperation or use protocol: v2", file, "/jointOperation");
  }
  if (!def.keys.kit || def.keys.kit.length === 0) {
    throw new SetupError("jointOperation.enabled needs the kit key: add keys.kit: [YOUR_KIT_KEY_VARIABLE]", file, "/keys/kit");
  }
  const where = jo.privateKey;
  if (!where) {
    return missingKey(def, file, opts, "jointOperation.privateKey is not set", null);
  }
  let pem: string | undefined;
  let source: string;
  if ("env" in where) {
    source = `env ${where.env}`;
    pem = opts.env[where.env] || undefined;
    if (!pem) return missingKey(def, file, opts, `the private-key variable ${where.env} is not set`, source);
  } else {
    const path = resolve(dirname(file), where.file);
    source = `file ${path}`;
    try {
      pem = readFileSync(path, "utf8");
    } catch {
      if (!opts.production) return missingKey(def, file, opts, `the private-key file ${path} cannot be read`, source);
      throw new SetupError(`cannot read the private-key file ${path}; check the path (relative paths start at the definition's folder)`, file, "/jointOperation/privateKey/file");
    }
  }
  let key: KeyObject;
  try {
    // an env var set by a shell or a .env file often carries literal "\n" instead of line breaks
    key = createPrivateKey(pem.includes("\\n") ? pem.replace(/\\n/g, "\n") : pem);
  } catch {
    throw new SetupError(`${source} does not hold a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)`, file, "/jointOperation/privateKey");
  }
  if (key.asymmetricKeyType !== "rsa") {
    throw new SetupError(`${source} holds a ${key.asymmetricKeyType ?? "non-RSA"} key; applicationSync secrets are RSA-encrypted (docs/marketplace/saas.md §5)`, file, "/jointOperation/privateKey");
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < 3072) {
    opts.logger.warn("the joint-operation RSA key is shorter than the 3072 bits KooGallery asks for (docs/marketplace/saas.md §5)", { product: def.id, bits });
  }
  return { enabled: true, privateKey: key, privateKeySource: source };
}

/**
 * No private key: production refuses to start; elsewhere the listing runs and applicationSync answers
 * 000101 with a log line. An ephemeral key would be useless: the marketplace encrypts with the public
 * key uploaded in the Seller Console, which only the merchant's own private key opens.
 */
function missingKey(def: SaasDefinition, file: string, opts: JointOperationLoadOptions, problem: string, source: string | null): JointOperation {
  if (opts.production) {
    throw new SetupError(`${problem}; applicationSync cannot open clientSecret without the merchant's RSA private key (NODE_ENV=production refuses to start)`, file, "/jointOperation/privateKey");
  }
  opts.logger.warn(`!!! ${problem}: product ${def.id} answers every applicationSync with 000101 until the merchant's RSA private key is configured.`, {
    product: def.id,
  });
  return { enabled: true, privateKey: null, privateKeySource: source };
}
