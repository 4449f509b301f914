/**
 * A demo licensing backend for the three License variants (docs/marketplace/license.md §0). It issues real licences:
 * Ed25519-signed JSON bound to the device fingerprint (core/kinds/license/signed-licence.ts), which the merchant's
 * software checks offline with the public key (`koogate license verify`). Codes (variant code) are
 * KooGallery's: their renewals, freezes and releases are only logged here, as a backend would note them.
 *
 * The signing key is `DEMO_LICENSE_SIGNING_KEY` (base64 of a 32-byte Ed25519 seed, or a PKCS#8 PEM).
 * Unset outside production, a public development key signs, with a loud warning; with NODE_ENV=production
 * the start is refused.
 */
import { randomUUID, type KeyObject } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { SetupError } from "../core/errors.js";
import type {
  AdapterContext,
  CodeRequest,
  IssuedLicense,
  IssueLicenseRequest,
  LicenseInstanceRequest,
  OnlineLicenseAdapter,
  RenewCodeRequest,
  RenewLicenseRequest,
  RevokeCodeRequest,
  LicenseCodeAdapter,
  V1LicenseAdapter,
} from "../core/kinds/license/adapter.js";
import type {
  NewInstanceRequest,
  NewInstanceResult,
  RefreshInstanceRequest,
  ReleaseInstanceRequest,
  UpdateInstanceStatusRequest,
  UpgradeInstanceRequest,
} from "../core/instances/adapter.js";
import type { Settings } from "../core/settings/index.js";
import { CONFIG, LOGGER, SETTINGS_TOKEN, type Config, type Logger } from "../core/tokens.js";
import { parseMarketplaceTime } from "../core/time.js";
import { DEMO_LICENSE_DEV_SEED, DEMO_LICENSE_KEY_VARIABLE, deviceDigest, privateKeyFrom, publicKeyText, signLicense } from "../core/kinds/license/signed-licence.js";

export { DEMO_LICENSE_DEV_SEED, DEMO_LICENSE_KEY_VARIABLE };

/** The environment variable holding the demo's signing key. */
/** The public development seed: anyone can sign with it, so it is refused in production. */

/** `2023-10-27 10:30:15 z` (getLicenseAsync times, docs/marketplace/license.md §3.5) as an ISO time; null when unreadable. */
function marketplaceTime(text: string | undefined): string | null {
  if (!text) return null;
  // a 1.0 getLicense sends yyyyMMddHHmmss (UTC)
  if (/^\d{14}$/.test(text)) return parseMarketplaceTime(text)?.toISOString() ?? null;
  const t = Date.parse(text.replace(/\s*z$/i, "Z").replace(" ", "T"));
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

@injectable()
export class DemoLicenseAdapter implements LicenseCodeAdapter, OnlineLicenseAdapter, V1LicenseAdapter {
  static readonly kind = "license" as const;
  private key?: KeyObject;

  constructor(
    @inject(CONFIG) private readonly config: Config,
    @inject(LOGGER) private readonly logger: Logger,
    @inject(SETTINGS_TOKEN) private readonly settings: Settings,
  ) {}

  /** Loads the signing key once, at start. @throws SetupError without a key in production */
  async setup(): Promise<void> {
    const text = this.settings.env[DEMO_LICENSE_KEY_VARIABLE];
    if (!text && this.config.production) throw new SetupError(`${DEMO_LICENSE_KEY_VARIABLE} is not set; the demo licence adapter needs its Ed25519 signing key in production`);
    if (!text) this.logger.warn(`!!! ${DEMO_LICENSE_KEY_VARIABLE} is not set: demo licences are signed with a PUBLIC development key. Never do this in production.`, { variable: DEMO_LICENSE_KEY_VARIABLE });
    try {
      this.key = privateKeyFrom(text ?? DEMO_LICENSE_DEV_SEED);
    } catch (e) {
      throw new SetupError(`${DEMO_LICENSE_KEY_VARIABLE}: ${(e as Error).message}`);
    }
    this.logger.info("demo licences are verified with this public key", { publicKey: publicKeyText(this.key) });
  }

  // ---- variant code: KooGallery's codes --------------------------------------------------------
  async renewCode(req: RenewCodeRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("code renewed", { scene: req.scene, expireAt: req.expireAt.toISOString() });
  }
  async freezeCode(_req: CodeRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("code frozen");
  }
  async unfreezeCode(_req: CodeRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("code unfrozen");
  }
  async revokeCode(_req: RevokeCodeRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("code revoked");
  }

  // ---- variant online: instances, then a licence per device -------------------------------------
  async newInstance(_req: NewInstanceRequest, ctx: AdapterContext): Promise<NewInstanceResult> {
    ctx.logger.info("licence instance created");
    return {};
  }
  async refreshInstance(req: RefreshInstanceRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("licence instance renewed", { scene: req.scene, expireAt: req.expireAt.toISOString() });
  }
  async updateInstanceStatus(req: UpdateInstanceStatusRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("licence instance status", { status: req.status });
  }
  async releaseInstance(_req: ReleaseInstanceRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("licence instance released");
  }
  async upgradeInstance(_req: UpgradeInstanceRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("licence instance upgraded");
  }

  /** Signs a licence for the device (online) or the purchase (v1). */
  async issueLicense(req: IssueLicenseRequest, ctx: AdapterContext): Promise<IssuedLicense> {
    if (!this.key) await this.setup();
    const now = new Date();
    const characters = signLicense(
      {
        v: 1,
        product: ctx.product.id,
        instanceId: req.instanceId,
        ...(req.deviceFingerprint ? { device: deviceDigest(req.deviceFingerprint) } : {}),
        // sized by what was bought: "30个用户" on a quantity-priced specification grants 30 seats
        ...(req.terms?.amount ? { seats: req.terms.amount } : {}),
        notBefore: marketplaceTime(req.effectiveTime) ?? now.toISOString(),
        ...(marketplaceTime(req.expireTime) ? { notAfter: marketplaceTime(req.expireTime)! } : {}),
        issuedAt: now.toISOString(),
        id: randomUUID(),
      },
      this.key!,
    );
    ctx.logger.info("licence issued");
    return { characters };
  }

  // ---- variant v1 ------------------------------------------------------------------------------
  async renewLicense(req: RenewLicenseRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("licence renewed", { expireAt: req.expireAt.toISOString() });
  }
  async expireLicense(_req: LicenseInstanceRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("licence expired");
  }
  async revokeLicense(_req: LicenseInstanceRequest, ctx: AdapterContext): Promise<void> {
    ctx.logger.info("licence revoked");
  }
}
