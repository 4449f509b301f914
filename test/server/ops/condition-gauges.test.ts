import { expect } from "chai";
import { plantNotifiedOrder } from "../../support/planted.js";
import { startServer } from "../../support/server.js";
import { eventually } from "../../support/wait.js";

const METRICS_TOKEN = "metrics-token-0123456789abcdef";

// deploy/prometheus/koogate-rules.yaml alerts on these: the alarm's conditions and the readiness checks
describe("the alarm's conditions and the readiness checks on /metrics", () => {
  it("exports each readiness check as 1 or 0, and a condition the alarm found with its figure", async () => {
    const s = await startServer({ env: { KOOGATE_METRICS_TOKEN: METRICS_TOKEN, KOOGATE_ALERT_CHECK_MS: "100", KOOGATE_PROVISIONING_DEADLINE_MINUTES: "1" } });
    try {
      const scrape = async () => (await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text();
      await plantNotifiedOrder(s.koogate.db, { orderId: "ORD-GAUGE", fetchedAt: Date.now() - 2 * 60_000 });
      const text = await eventually(async () => {
        const t = await scrape();
        return t.includes('koogate_alarm_condition{product="test-saas",condition="order-unprovisioned"') ? t : undefined;
      }, "the condition on /metrics");
      expect(text).to.match(/^koogate_alarm_condition\{product="test-saas",condition="order-unprovisioned"[^}]*\} 1$/m);
      expect(text).to.match(/^koogate_readiness_check_ok\{check="database"[^}]*\} [01]$/m);
      expect(text).to.match(/^koogate_readiness_check_ok\{check="products"[^}]*\} 1$/m);
    } finally {
      await s.close();
    }
  });
});
