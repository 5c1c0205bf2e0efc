import { describe, expect, it } from "vitest";
import { ProblemStage } from "./problem.lifecycle";
import { PrioritySource, closingRefusal, formatProblemNumber, isKnownError, parseProblemNumber, rollUpPriority } from "./problem.rules";

describe("problem priority roll-up", () => {
  it("uses impact × urgency when no open incident is worse", () => {
    expect(rollUpPriority({ matrixPriority: 3, manual: null, worstOpenIncident: null })).toMatchObject({ priority: 3, source: PrioritySource.matrix });
    expect(rollUpPriority({ matrixPriority: 3, manual: null, worstOpenIncident: { key: "INC-000001", priority: 4 } })).toMatchObject({ priority: 3, source: PrioritySource.matrix });
  });

  it("follows the worst open linked incident and names it", () => {
    const r = rollUpPriority({ matrixPriority: 4, manual: null, worstOpenIncident: { key: "INC-000042", priority: 2 } });
    expect(r).toEqual({ priority: 2, source: PrioritySource.incidents, reason: "follows INC-000042 (P2), the worst open linked incident" });
  });

  it("keeps a priority set by hand, with the person's reason, whatever the incidents say", () => {
    const r = rollUpPriority({ matrixPriority: 4, manual: { priority: 5, reason: "cosmetic; fix in next release" }, worstOpenIncident: { key: "INC-000042", priority: 1 } });
    expect(r).toEqual({ priority: 5, source: PrioritySource.manual, reason: "cosmetic; fix in next release" });
  });
});

describe("closing a resolved problem", () => {
  const resolvedAt = new Date("2026-03-01T00:00:00Z");
  const base = { resolvedAt, quietPeriodDays: 14, recurrences: 0, reason: null };

  it("refuses inside the quiet period and says when it ends", () => {
    const refusal = closingRefusal({ ...base, now: new Date("2026-03-10T00:00:00Z") });
    expect(refusal).toContain("14-day quiet period");
    expect(refusal).toContain("2026-03-15T00:00:00.000Z");
  });

  it("allows closing once the quiet period passed with no recurrence", () => {
    expect(closingRefusal({ ...base, now: new Date("2026-03-15T00:00:00Z") })).toBeNull();
  });

  it("refuses after the quiet period when a linked incident recurred", () => {
    expect(closingRefusal({ ...base, recurrences: 2, now: new Date("2026-04-01T00:00:00Z") })).toMatch(/2 linked incident\(s\) occurred after it was resolved/);
  });

  it("allows closing early or despite a recurrence with a recorded reason", () => {
    expect(closingRefusal({ ...base, recurrences: 1, reason: "vendor end-of-life; tracked elsewhere", now: new Date("2026-03-02T00:00:00Z") })).toBeNull();
    expect(closingRefusal({ ...base, reason: "   ", now: new Date("2026-03-02T00:00:00Z") })).not.toBeNull();
  });

  it("honours a configured quiet period", () => {
    expect(closingRefusal({ ...base, quietPeriodDays: 3, now: new Date("2026-03-04T00:00:00Z") })).toBeNull();
    expect(closingRefusal({ ...base, quietPeriodDays: 30, now: new Date("2026-03-20T00:00:00Z") })).not.toBeNull();
  });
});

describe("problem numbers and known errors", () => {
  it("formats and parses PRB numbers like incident numbers", () => {
    expect(formatProblemNumber(7)).toBe("PRB-000007");
    expect(parseProblemNumber("PRB-000007")).toBe(7);
    expect(parseProblemNumber("prb-7")).toBe(7);
    expect(parseProblemNumber("INC-7")).toBeNull();
  });

  it("counts a problem as a known error from known_error on, and only with a workaround", () => {
    expect(isKnownError({ stage: ProblemStage.known_error, workaround: "restart the pool" })).toBe(true);
    expect(isKnownError({ stage: ProblemStage.closed, workaround: "restart the pool" })).toBe(true);
    expect(isKnownError({ stage: ProblemStage.root_cause_known, workaround: "restart the pool" })).toBe(false);
    expect(isKnownError({ stage: ProblemStage.resolved, workaround: null })).toBe(false);
    expect(isKnownError({ stage: ProblemStage.cancelled, workaround: "x" })).toBe(false);
  });
});
