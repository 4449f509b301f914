/**
 * `koogate license verify`: checks a demo licence (./signed-licence.ts) offline, the way the
 * merchant's software would: the Ed25519 signature with the public key, the device, the validity window.
 */
import { readFileSync } from "node:fs";
import { DEMO_LICENSE_DEV_SEED, DEMO_LICENSE_KEY_VARIABLE, privateKeyFrom, publicKeyFrom, verifyLicense, type LicensePayload } from "./signed-licence.js";
import { EXIT, optionLines, parse, str, UsageError, type Io } from "../../cli/args.js";
import { SignatureError } from "../../signing/signature-error.js";
import type { KindCommand, LocalMarketplace } from "../kind.js";

const OPTIONS = {
  "public-key": { type: "string", description: `the public key: base64 of its 32 bytes, or a PEM file; default the key of ${DEMO_LICENSE_KEY_VARIABLE}, else the development key` },
  fingerprint: { type: "string", description: "the device fingerprint the licence must be bound to" },
  at: { type: "string", description: "check the validity window at this ISO time (default now)" },
} as const;

const licenseHelp = [
  "Usage: koogate license verify <licence | @file> [--public-key K] [--fingerprint F] [--at TIME]",
  "",
  "Checks a licence issued by the demo adapter offline: signature, device and validity window.",
  "",
  ...optionLines(OPTIONS),
].join("\n");

async function license(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, OPTIONS);
  if (values.help) {
    io.out(licenseHelp);
    return EXIT.ok;
  }
  const [sub, text] = positionals;
  if (sub !== "verify" || !text) throw new UsageError("expected: koogate license verify <licence | @file> (koogate license --help)");
  const licence = text.startsWith("@") ? readFileSync(text.slice(1), "utf8") : text;
  const keyText = str(values, "public-key");
  const key = keyText
    ? publicKeyFrom(keyText.includes("BEGIN") || !keyText.endsWith(".pem") ? keyText : readFileSync(keyText, "utf8"))
    : publicKeyFrom(readKey(io.env[DEMO_LICENSE_KEY_VARIABLE]));
  const at = str(values, "at");
  const now = at ? new Date(at) : undefined;
  if (now && Number.isNaN(now.getTime())) throw new UsageError("--at must be an ISO time");
  let p: LicensePayload;
  try {
    p = verifyLicense(licence, key, { fingerprint: str(values, "fingerprint"), now });
  } catch (e) {
    if (!(e instanceof SignatureError)) throw e;
    io.err(`invalid: ${e.message}`);
    return EXIT.failed;
  }
  io.out(`valid: product ${p.product}, instance ${p.instanceId}${p.device ? ", bound to a device" : ""}${p.seats ? `, ${p.seats} seats` : ""}, until ${p.notAfter ?? "no end"}`);
  return EXIT.ok;
}

/** The PEM of the signing key's public half (from the private key the server signs with). */
function readKey(privateText: string | undefined): string {
  return privateKeyFrom(privateText ?? DEMO_LICENSE_DEV_SEED).export({ format: "pem", type: "pkcs8" }).toString();
}

/** The License kind's commands (`Kind.commands`). */
export const LICENSE_COMMANDS: Readonly<Record<string, KindCommand>> = {
  license: { run: license, summary: "verify a demo licence offline: signature, device, validity" },
};

/** The test authorization code `koogate marketplace` issues, for trying the licence relay against it. */
export const LOCAL_TEST_CODE = "PLTEST000001";

/** What `koogate marketplace` sets up for License listings (`Kind.localMarketplace`): one test code, received. */
export function licenseLocalMarketplace(m: LocalMarketplace): readonly string[] {
  const { code } = m.issueLicense({ code: LOCAL_TEST_CODE });
  return [`  test code     ${code} (received, not activated)`];
}
