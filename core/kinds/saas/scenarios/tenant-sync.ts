/**
 * A joint-operation buyer arriving and leaving (docs/marketplace/saas.md §5), as KooGallery pushes it: tenantSync add →
 * applicationSync add → authSync add of two users → singleOrgSync → allOrgSync → the tenant add
 * resent (a repeated add must succeed and create nothing) → tenantSync delete → the delete resent
 * (a repeated delete must succeed). Every answer is judged like any other: HTTP 200, the expected
 * result code, a Body-Sign made with the kit key (UNCONFIRMED which key, docs/marketplace/saas.md §3, §11.9).
 *
 * applicationSync's clientSecret is RSA-OAEP encrypted to the merchant's public key (docs/marketplace/saas.md §5). The
 * simulator can only do that when it holds the product's private key, exactly as the server loads it
 * (jointOperation.privateKey); it derives the public key from it. Without one, the server cannot open
 * any secret either, and the step expects 000101 and says why.
 */
import { createPublicKey, randomBytes, randomUUID } from "node:crypto";
import { sealClientSecret } from "../sync/client-secret.js";
import type { SaasProduct } from "../product.js";
import type { ResultCode } from "../../../vocabulary.js";
import { newOrderLine } from "../../../simulation/bodies.js";
import { kitRequest } from "./kit-requests.js";
import type { Scenario } from "../../../simulation/scenario.js";
import { allOrgSyncBody, applicationSyncBody, authSyncBody, newTenantId, singleOrgSyncBody, syncTime, tenantSyncBody } from "./sync-bodies.js";
import { forSaas, saasProduct } from "./requirements.js";

export const tenantSync: Scenario = {
  name: "tenant-sync",
  summary: "joint-operation sync: tenant, application, users, departments, repeats, delete",
  ...forSaas("v2", "jointOperation"),
  async run(ctx) {
    const t = ctx.target;
    const testFlag = t.testFlag;
    const tenantId = newTenantId();
    const instanceId = randomUUID();
    const { orderId } = newOrderLine();
    const appId = `app-${tenantId.slice(0, 8)}`;
    // strictly increasing marketplace times: the server keeps the newest change (docs/marketplace/saas.md §5)
    let at = ctx.now();
    const next = () => syncTime(++at);
    const common = () => ({ instanceId, tenantId, testFlag, timeStamp: next() });

    const tenant = { orderId, tenantCode: `sim${tenantId.slice(0, 8)}`, name: "koogate simulator tenant", domainName: "https://sim.tenantaccount.example" };
    const add = tenantSyncBody({ ...common(), ...tenant, flag: 1 });
    await ctx.exchange("tenantSync", kitRequest(t, "tenantSync", add), "000000", "add");

    const app = clientSecretFor(saasProduct(t));
    await ctx.exchange(
      "applicationSync",
      kitRequest(t, "applicationSync", applicationSyncBody({ ...common(), appId, clientId: `client-${tenantId.slice(0, 8)}`, clientSecret: app.clientSecret, flag: 1 })),
      app.expect,
      app.label,
    );

    const userList = [
      { userName: "alice", name: "Alice", orgCode: "ROOT", role: "admin" as const, enable: true },
      { userName: "bob", name: "Bob", orgCode: "SALES", role: "user" as const, enable: true },
    ];
    await ctx.exchange("authSync", kitRequest(t, "authSync", authSyncBody({ ...common(), appId, userList, flag: 1 })), "000000", "add alice (admin), bob (user)");

    const sales = { orgCode: "SALES", name: "Sales", parentCode: "ROOT" };
    await ctx.exchange("singleOrgSync", kitRequest(t, "singleOrgSync", singleOrgSyncBody({ ...common(), unit: sales, flag: 1 })), "000000", "add SALES under ROOT");
    const tree = [{ orgCode: "ROOT", name: "Simulated Co.", parentCode: null }, sales, { orgCode: "DEV", name: "Development", parentCode: "ROOT" }];
    await ctx.exchange("allOrgSync", kitRequest(t, "allOrgSync", allOrgSyncBody({ ...common(), orgInfo: tree })), "000000", "ROOT, SALES, DEV");

    await ctx.exchange("tenantSync", kitRequest(t, "tenantSync", add), "000000", "add resent: must succeed, creating nothing");
    const del = tenantSyncBody({ ...common(), ...tenant, flag: 0 });
    await ctx.exchange("tenantSync", kitRequest(t, "tenantSync", del), "000000", "delete");
    await ctx.exchange("tenantSync", kitRequest(t, "tenantSync", del), "000000", "delete resent: must succeed again");
  },
};

/** The clientSecret to send and what to expect of it: see the file's comment. */
function clientSecretFor(product: SaasProduct): { clientSecret: string; expect: ResultCode; label: string } {
  const privateKey = product.jointOperation.privateKey;
  if (privateKey) {
    const publicKey = createPublicKey(privateKey);
    return { clientSecret: sealClientSecret(randomBytes(24).toString("base64url"), publicKey), expect: "000000", label: "add, clientSecret sealed to the merchant's public key" };
  }
  const where = product.jointOperation.privateKeySource ?? "jointOperation.privateKey";
  return {
    // the size of a 3072-bit RSA ciphertext: a secret nobody here can open
    clientSecret: randomBytes(384).toString("base64"),
    expect: "000101",
    label: `add · no private key configured (${where}): no clientSecret can be sealed, 000101 expected`,
  };
}
