/**
 * koogate's public entry: `import { … } from "koogate"`. What a merchant's code needs and nothing
 * more: the adapter interfaces and request types of each kind, the errors an adapter may throw, the
 * closed vocabularies, the composition function that starts a server, and the kind contract for those
 * who add a kind of their own. Everything else is internal and may change between versions.
 */
import "reflect-metadata";

// starting a server
export { createKoogate, type Koogate, type KoogateOptions } from "./server/composition.js";
export { loadConfig, loadSettings, readSettings, withServer, SETTING_TABLE, SettingsError, type Config, type Settings, type SettingRow, type Environment } from "./core/settings/index.js";
export { defineConfig, type ProjectSettings as KoogateConfig } from "./core/settings/project-file.js";
export { createLogger, type Logger, type LogFields } from "./core/logger.js";
export type { Clock, Knex } from "./core/tokens.js";
export { CONFIG, DATABASE, LOGGER, CLOCK, SETTINGS_TOKEN } from "./core/tokens.js";

// a merchant project: its config, adapter modules and products, as `koogate serve` loads them
export { loadProject, type LoadProjectOptions, type MerchantProject } from "./core/project/index.js";
export type { ProjectSettings } from "./core/settings/project-file.js";

// constructor injection for TypeScript adapters that prefer decorators to `static inject = [...]`:
// koogate's own tsyringe, so that the metadata lands in the container koogate resolves from
export { inject, injectable } from "tsyringe";

// errors: a setup mistake stops the start; a CallError answers a call with a marketplace result code
export { CallError, SetupError } from "./core/errors.js";

// adapters
export type { AdapterClass, AdapterSetup } from "./core/adapters.js";
export type { AdapterContext, ProductInfo } from "./core/serving/adapter-context.js";
// the instance activities of a SaaS listing and of an online License listing
export type {
  AppInfo,
  ChangeInstanceCheckRequest,
  ChangeInstanceCheckResult,
  CustomerInfo,
  InstanceAdapter,
  NewInstanceDetails,
  NewInstanceRequest,
  NewInstanceResult,
  RefreshInstanceRequest,
  ReleaseInstanceRequest,
  UpdateInstanceStatusRequest,
  UpgradeDetails,
  UpgradeInstanceRequest,
} from "./core/instances/adapter.js";
export type { SaasAdapter } from "./core/kinds/saas/adapter.js";
export type { ApiAdapter, ApiReply, ApiRequest, BuyerIdentity } from "./core/kinds/api/adapter.js";
export type { ApplicationChange, AuthChange, JointOperationHooks, OrgChange, TenantChange } from "./core/kinds/saas/sync/hooks.js";
// License adapters, one interface per variant (code, online, v1)
export type {
  CodeRequest,
  IssuedLicense,
  IssueLicenseRequest,
  LicenseAdapter,
  LicenseCodeAdapter,
  LicenseInstanceRequest,
  OnlineLicenseAdapter,
  RenewCodeRequest,
  RenewLicenseRequest,
  RevokeCodeRequest,
  V1LicenseAdapter,
} from "./core/kinds/license/adapter.js";

// the closed vocabularies, in the marketplace's own words
export * from "./core/vocabulary.js";
export {
  SAAS_PROTOCOLS,
  JOINT_SYNCS,
  isJointSync,
  SAAS_V1_ACTIVITIES,
  isSaasV1Activity,
  V1_INSTANCE_STATUSES,
  type SaasProtocol,
  type JointSync,
  type SaasV1Activity,
  type V1InstanceStatus,
} from "./core/kinds/saas/vocabulary.js";
export { LICENSE_VARIANTS, type LicenseVariant } from "./core/kinds/license/vocabulary.js";

// product kinds: the registry and the contract a kind implements
export { KINDS, registerKind, type Product } from "./core/kinds/index.js";
export { activities, keyTypes, resultMessageOf } from "./core/kinds/registry.js";
export { defineKind, type Endpoint, type Kind, type KindCommand, type KindVocabulary, type LoadContext, type ProductDescription, type Served } from "./core/kinds/kind.js";
export type { SaasProduct } from "./core/kinds/saas/product.js";
export type { ApiProduct } from "./core/kinds/api/product.js";
export type { ImageProduct } from "./core/kinds/image/product.js";
export type { LicenseProduct } from "./core/kinds/license/product.js";
export type { BaseDefinition, ProductBase } from "./core/products/definition.js";
export type { HttpAnswer, HttpCall } from "./core/serving/http.js";
export { CallPipeline, ANSWER_DEADLINE_MS, type Incoming, type SignedInterface, type Verified, type Seen } from "./core/serving/pipeline.js";
export { success, failureOutcome, type Outcome } from "./core/serving/outcome.js";
export type { JobHandler, RetryPolicy } from "./core/outbox/handlers.js";
export { Outbox } from "./core/outbox/outbox.js";

// signing, for merchants who sign or check marketplace calls in their own code
export { SignatureError, type SignatureProblem } from "./core/signing/signature-error.js";
export { signBasicRequest, verifyBasic } from "./core/signing/basic.js";
export { signBody, verifyBodySign } from "./core/signing/body-sign.js";
export { signApigRequest, verifyApigRequest } from "./core/signing/apig.js";
export { signAgentJwt, verifyAgentJwt, type AgentJwtClaims } from "./core/signing/agents-jwt.js";

// an API gateway's calls checked in a merchant's own server: a plain function, and Koa middleware
export { verifyGatewayCall, refusalMessage, type GatewayAuth, type GatewayRequest, type GatewayVerdict } from "./core/kinds/api/gateway-auth.js";
export { gatewayAuth, type GatewayContext, type GatewayMiddleware, type GatewayMiddlewareOptions, type GatewayState } from "./core/kinds/api/middleware.js";
