import { readFileSync } from "node:fs";
import { expect } from "chai";
import { LIFECYCLE_EVENTS, LIFECYCLE_STATES, TRANSITIONS, transition, type LifecycleProtocol, type Step } from "../../../core/lifecycle/table.js";
import { calledOnce, DELIVERY } from "../../../core/lifecycle/delivery.js";

/** A cell as docs/marketplace/lifecycle.md §2 writes it. */
function cell(step: Step | "n/a"): string {
  if (step === "n/a" || step === "gone") return step;
  return [step.to, ...(step.adapter ? ["told"] : []), ...(step.resumes ? ["resumes"] : [])].join(", ");
}

/** The rows of one protocol's table in the doc. */
function docRows(protocol: LifecycleProtocol): string[][] {
  const doc = readFileSync("docs/marketplace/lifecycle.md", "utf8");
  const block = doc.slice(doc.indexOf("<!-- transition-table:begin -->"), doc.indexOf("<!-- transition-table:end -->"));
  const part = block.split(`**${protocol === "v2" ? "2.0" : "1.0"}**`)[1]!.split("**")[0]!;
  return part
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| event"))
    .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
}

describe("the lifecycle table (core/lifecycle/table.ts)", () => {
  for (const protocol of ["v2", "v1"] as const) {
    it(`is the table docs/marketplace/lifecycle.md §2 prints for protocol ${protocol}, cell for cell`, () => {
      const fromCode = LIFECYCLE_EVENTS.map((e) => [e, ...LIFECYCLE_STATES.map((s) => cell(TRANSITIONS[protocol][e][s]))]);
      expect(docRows(protocol)).to.deep.equal(fromCode);
    });
  }

  it("resumes an expired or frozen 1.0 instance on renewal, and freezes it again on the next expiry", () => {
    expect(transition("v1", "expired", "renew")).to.deep.equal({ to: "active", adapter: true, resumes: true });
    expect(transition("v1", "active", "expire")).to.deep.equal({ to: "expired", adapter: true });
  });

  it("leaves a 2.0 renewal's state alone: the marketplace sends UNFREEZE itself", () => {
    expect(transition("v2", "frozen", "renew")).to.deep.equal({ to: "frozen", adapter: true });
  });

  it("reads an expired row on a 2.0 listing as frozen", () => {
    expect(transition("v2", "expired", "unfreeze")).to.deep.equal({ to: "active", adapter: true });
  });

  it("treats expiry and release as made once, purchases and code calls as resent, and an unknown activity as made once", () => {
    expect(["updateInstanceStatus", "releaseInstance", "expireLicense", "releaseLicense", "refreshLicense"].map(calledOnce)).to.deep.equal([true, true, true, true, true]);
    expect(["newInstance", "getLicense", "releaseLicenseCode", "getLicenseAsync", "orderNotify"].map(calledOnce)).to.deep.equal([false, false, false, false, false]);
    expect(calledOnce("somethingNew")).to.equal(true);
    expect(Object.keys(DELIVERY)).to.have.length(14);
  });
});
