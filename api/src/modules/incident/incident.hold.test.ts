import { describe, expect, it } from "vitest";
import { PendingReason, checkHold } from "./incident.hold";
import { Stage } from "./incident.lifecycle";

describe("incident hold", () => {
  it("lets open incidents wait on the requester or a vendor, and return to work", () => {
    expect(checkHold(null, PendingReason.awaiting_requester, { stage: Stage.assessed }).ok).toBe(true);
    expect(checkHold(PendingReason.awaiting_requester, PendingReason.awaiting_vendor, { stage: Stage.contained }).ok).toBe(true);
    expect(checkHold(PendingReason.awaiting_vendor, null, { stage: Stage.closed }).ok).toBe(true);
  });

  it("refuses to put a recovered, closed or cancelled incident on hold", () => {
    for (const stage of [Stage.recovered, Stage.closed, Stage.cancelled]) {
      const verdict = checkHold(null, PendingReason.awaiting_vendor, { stage });
      expect(verdict.ok, stage).toBe(false);
    }
  });
});
