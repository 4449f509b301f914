import { expect } from "chai";
import { opsSettings } from "../../../core/settings/index.js";
import { SetupError } from "../../../core/errors.js";

describe("the operations settings (core/ops/config.ts)", () => {
  it("serves no metrics without a token or a private listener", () => {
    const c = opsSettings({});
    expect([c.metricsToken, c.metricsListen, c.processName]).to.deep.equal([undefined, undefined, undefined]);
  });

  it("reads KOOGATE_METRICS_LISTEN as a host and a port, an IPv6 host in brackets", () => {
    expect(opsSettings({ KOOGATE_METRICS_LISTEN: "10.0.0.5:9464" }).metricsListen).to.deep.equal({ host: "10.0.0.5", port: 9464 });
    expect(opsSettings({ KOOGATE_METRICS_LISTEN: "[::1]:9464" }).metricsListen).to.deep.equal({ host: "::1", port: 9464 });
  });

  it("refuses a KOOGATE_METRICS_LISTEN without a host, or with a port that is not decimal or past 65535", () => {
    for (const v of ["9464", ":9464", "10.0.0.5:0x10", "10.0.0.5:70000", "10.0.0.5: 9464", "a b:1"]) {
      expect(() => opsSettings({ KOOGATE_METRICS_LISTEN: v }), v).to.throw(SetupError, /KOOGATE_METRICS_LISTEN/);
    }
  });

  it("refuses a KOOGATE_PROCESS_NAME with spaces or past 64 characters", () => {
    expect(opsSettings({ KOOGATE_PROCESS_NAME: "web-1" }).processName).to.equal("web-1");
    for (const v of ["web 1", "x".repeat(65)]) expect(() => opsSettings({ KOOGATE_PROCESS_NAME: v }), v).to.throw(SetupError, /KOOGATE_PROCESS_NAME/);
  });
});
