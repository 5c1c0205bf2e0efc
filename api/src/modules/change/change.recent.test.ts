import { describe, expect, it } from "vitest";
import { RiskLevel } from "./change.entity";
import { rankRecentChanges, type RecentCandidate } from "./change.recent";

const incidentAt = new Date("2026-06-10T12:00:00Z");
const c = (id: string, hoursBeforeEnd: number, extra: Partial<RecentCandidate> = {}): RecentCandidate => ({
  changeId: id,
  label: id,
  start: new Date(incidentAt.getTime() - (hoursBeforeEnd + 1) * 3_600_000),
  end: new Date(incidentAt.getTime() - hoursBeforeEnd * 3_600_000),
  riskLevel: RiskLevel.low,
  riskScore: 1,
  sameService: true,
  serviceName: "Payments API",
  ...extra,
});

describe("what changed? ranking", () => {
  it("ranks the change closest in time first, with a reason naming time, service and risk", () => {
    const ranked = rankRecentChanges(incidentAt, 72, [c("old", 48), c("recent", 2)]);
    expect(ranked.map((r) => r.changeId)).toEqual(["recent", "old"]);
    expect(ranked[0].reason).toBe("recent ended 2 h before the incident opened, on Payments API, the incident's service; low risk (score 1)");
  });

  it("puts a change still running when the incident opened at zero hours", () => {
    const running = c("running", 0, { end: null });
    expect(rankRecentChanges(incidentAt, 72, [running])[0]).toMatchObject({ hoursBefore: 0 });
    expect(rankRecentChanges(incidentAt, 72, [running])[0].reason).toContain("was in progress when the incident opened");
  });

  it("lets risk break a near tie in time, and says when a change was on a dependency", () => {
    const ranked = rankRecentChanges(incidentAt, 72, [c("safe", 5), c("risky", 6, { riskLevel: RiskLevel.high, riskScore: 9 })]);
    expect(ranked.map((r) => r.changeId)).toEqual(["risky", "safe"]);
    const dep = rankRecentChanges(incidentAt, 72, [c("dep", 1, { sameService: false, serviceName: "Postgres" })])[0];
    expect(dep.reason).toContain("on Postgres, which the incident's service depends on");
  });
});
