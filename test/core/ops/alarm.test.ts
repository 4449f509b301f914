import { expect } from "chai";
import { createLogger } from "../../../core/logger.js";
import { Alarm, alertBody, type Alert, type AlarmOptions } from "../../../core/ops/alarm.js";
import type { CallShare } from "../../../core/store/call-shares.js";
import { startWebhookReceiver, type WebhookReceiver } from "../../support/webhook.js";


describe("the delisting-risk alarm", () => {
  let hook: WebhookReceiver;
  let clock: number;
  let parked: Map<string, number>;
  /** what the event log holds for the window: p1's signed calls and failures */
  let stored: CallShare;
  let askedSince: number | undefined;
  beforeEach(async () => {
    stored = { calls: 0, failures: 0 };
    askedSince = undefined;
    hook = await startWebhookReceiver();
    clock = 1_700_000_000_000;
    parked = new Map();
  });
  afterEach(() => hook.close());

  const alarm = (o: Partial<AlarmOptions> = {}) =>
    new Alarm({
      webhookUrl: hook.url,
      minCalls: 10,
      callShares: async (since) => ((askedSince = since), new Map([["p1", { ...stored }]])),
      parkedJobs: async () => parked, provisioningBefore: async () => new Map(), logger: createLogger({ level: "silent" }),
      now: () => clock,
      ...o,
    });
  /** what the event log holds for the window from now on */
  const feed = (_a: Alarm, okCalls: number, failedCalls: number) => {
    stored = { calls: stored.calls + okCalls + failedCalls, failures: stored.failures + failedCalls };
  };

  it("posts one alert with the product and the figure when the failure share crosses 5 %", async () => {
    const a = alarm();
    feed(a, 18, 2);
    await a.check();
    expect(askedSince, "the window asked of the event log").to.equal(clock - 60 * 60_000);
    expect(hook.bodies).to.have.length(1);
    expect(hook.bodies[0]).to.include({ source: "koogate", product: "p1", condition: "failure-share", figure: 0.1, threshold: 0.05, look: "/ops/calls?product=p1&verdict=failed" });
  });

  it("posts nothing while the share stays at or under the threshold", async () => {
    const a = alarm();
    feed(a, 19, 1);
    await a.check();
    expect(hook.bodies).to.have.length(0);
  });

  it("posts nothing before the window holds the minimum number of calls", async () => {
    const a = alarm();
    feed(a, 0, 9);
    await a.check();
    expect(hook.bodies).to.have.length(0);
  });

  it("posts a raised condition once, however many checks find it still raised", async () => {
    const a = alarm();
    feed(a, 10, 10);
    await a.check();
    feed(a, 0, 10);
    await a.check();
    await a.check();
    expect(hook.bodies).to.have.length(1);
  });

  it("posts again once the condition cleared and is raised anew", async () => {
    const a = alarm();
    feed(a, 10, 10);
    await a.check();
    clock += 61 * 60_000; // the window slid past every failure
    stored = { calls: 0, failures: 0 };
    feed(a, 20, 0);
    await a.check();
    expect(await a.active()).to.have.length(0);
    feed(a, 0, 20);
    await a.check();
    expect(hook.bodies).to.have.length(2);
  });

  it("posts an alert for a product with a job parked as failed", async () => {
    parked.set("p2", 1);
    await alarm().check();
    expect(hook.bodies[0]).to.include({ product: "p2", condition: "parked-job", figure: 1 });
  });

  it("posts an alert for an instance still provisioning past the deadline, asking for instances created before it", async () => {
    let asked = 0;
    const a = alarm({ provisioningDeadlineMs: 60_000, provisioningBefore: async (before) => ((asked = before), new Map([["p3", 2]])) });
    await a.check();
    expect(asked).to.equal(clock - 60_000);
    expect(hook.bodies[0]).to.include({ product: "p3", condition: "provisioning-overdue", figure: 2 });
  });

  it("posts an alert for a notified order line with no instance past the deadline, asking for lines stored before it", async () => {
    let asked = 0;
    const a = alarm({ provisioningDeadlineMs: 60_000, unprovisionedOrdersBefore: async (before) => ((asked = before), new Map([["p4", 1]])) });
    await a.check();
    expect(asked).to.equal(clock - 60_000);
    expect(hook.bodies[0]).to.include({ product: "p4", condition: "order-unprovisioned", figure: 1, look: "/ops/reconciliation" });
  });

  it("tries a refused post again at the next check", async () => {
    const a = alarm();
    feed(a, 0, 20);
    hook.status = 500;
    await a.check();
    hook.status = 200;
    await a.check();
    expect(hook.bodies).to.have.length(1);
  });
});

describe("alert bodies for incoming webhooks", () => {
  const alert: Alert = { product: "p1", condition: "parked-job", figure: 1, threshold: 0, text: "1 job parked", look: "/ops/jobs", at: 0 };
  const text = "[koogate] p1 · parked-job: 1 job parked. Look at /ops/jobs";

  it("sends Slack a text message", () => expect(alertBody(alert, "slack")).to.deep.equal({ text }));
  it("sends Feishu a text message", () => expect(alertBody(alert, "feishu")).to.deep.equal({ msg_type: "text", content: { text } }));
  it("sends DingTalk a text message", () => expect(alertBody(alert, "dingtalk")).to.deep.equal({ msgtype: "text", text: { content: text } }));
});
