import { expect } from "chai";
import { formatEvents } from "../../bin/commands/events.js";
import { withArticle } from "../../core/article.js";
import type { EventRecord } from "../../core/store/events.js";
import { misfit } from "../../core/simulation/scenario.js";
import { findScenario } from "../../sim/scenarios/index.js";
import { fakeProduct } from "../support/sim.js";

describe("koogate events' columns", () => {
  const e = (o: Partial<EventRecord>): EventRecord => ({ at: Date.UTC(2026, 11, 6), productId: "cad", activity: "newInstance", instanceId: "i-1", verdict: "processed", resultCode: "000000", response: "", durationMs: 12, test: false, ...o });

  it("stay in line when an activity is longer than the SaaS ones (updateLicenseCodeStatus) and product ids differ in length", () => {
    const lines = formatEvents([e({}), e({ productId: "cad-license-pro", activity: "updateLicenseCodeStatus", instanceId: "instance-0001", verdict: "rejected", resultCode: "000002", durationMs: 1234 })]);
    const starts = (line: string) => [...line.matchAll(/ {2}(?=\S)/g)].map((m) => m.index);
    // every column starts at the same place; the last (the duration) is aligned right, so both lines end together
    expect(starts(lines[0]!).slice(0, 5)).to.deep.equal(starts(lines[1]!).slice(0, 5));
    expect(lines[0]!.length).to.equal(lines[1]!.length);
  });
});

describe("the article before a kind's name in messages", () => {
  it("says 'an image product' and 'an api product', but 'a saas product'", () => {
    expect([withArticle("image"), withArticle("api"), withArticle("saas"), withArticle("license")]).to.deep.equal(["an image", "an api", "a saas", "a license"]);
    expect(misfit(findScenario("order-notify")!, fakeProduct("k", { kind: "image" } as never))).to.equal("order-notify is for saas products; fake is an image product");
  });
});
