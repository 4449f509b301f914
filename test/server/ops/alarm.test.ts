import { expect } from "chai";
import { newInstanceBody } from "../../support/orders.js";
import { plantNotifiedOrder } from "../../support/planted.js";
import { recordingYaml, RecordingAdapter } from "../../support/recording-adapter.js";
import { startServer } from "../../support/server.js";
import { eventually } from "../../support/wait.js";
import { startWebhookReceiver } from "../../support/webhook.js";

describe("the delisting-risk alarm on a running server", () => {
  it("posts one Feishu alert to KOOGATE_ALERT_WEBHOOK when a deliberately failing adapter fails the marketplace's calls", async () => {
    const hook = await startWebhookReceiver();
    const s = await startServer({
      products: { "r.yaml": recordingYaml("test-saas", { failWith: "backend down" }) },
      adapters: [RecordingAdapter],
      env: { KOOGATE_ALERT_WEBHOOK: hook.url, KOOGATE_ALERT_FORMAT: "feishu", KOOGATE_ALERT_CHECK_MS: "100", KOOGATE_ALERT_MIN_CALLS: "3" },
    });
    try {
      for (let i = 0; i < 3; i++) expect((await s.send(newInstanceBody())).json.resultCode).to.equal("000005");
      await eventually(async () => hook.bodies.length > 0, "the alert");
      await new Promise((r) => setTimeout(r, 300)); // three more checks: still one alert
      expect(hook.bodies).to.have.length(1);
      const body = hook.bodies[0] as { msg_type: string; content: { text: string } };
      expect(body.msg_type).to.equal("text");
      expect(body.content.text).to.contain("test-saas").and.contain("failure-share").and.contain("100 %");
    } finally {
      await s.close();
      await hook.close();
    }
  });

  it("posts an alert when a notified order has no instance past the provisioning deadline", async () => {
    const hook = await startWebhookReceiver();
    const s = await startServer({ env: { KOOGATE_ALERT_WEBHOOK: hook.url, KOOGATE_ALERT_CHECK_MS: "100", KOOGATE_PROVISIONING_DEADLINE_MINUTES: "1" } });
    try {
      await plantNotifiedOrder(s.koogate.db, { orderId: "ORDLOST", fetchedAt: Date.now() - 2 * 60_000 });
      await eventually(async () => hook.bodies.length > 0, "the alert");
      expect(hook.bodies[0]).to.include({ source: "koogate", product: "test-saas", condition: "order-unprovisioned", figure: 1, look: "/ops/reconciliation" });
    } finally {
      await s.close();
      await hook.close();
    }
  });
});
