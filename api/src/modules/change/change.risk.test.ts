import { describe, expect, it } from "vitest";
import { Criticality } from "../catalog/catalog.entity";
import { RiskFactor } from "./change-config.entity";
import { RiskLevel } from "./change.entity";
import { ChangeType } from "./change.lifecycle";
import { assessRisk, touchesBusinessHours, type RiskFacts, type RiskRuleData } from "./change.risk";

const rule = (key: string, factor: RiskFactor, weight: number, match: { value?: string; min?: number }): RiskRuleData => ({
  key,
  factor,
  weight,
  matchValue: match.value ?? null,
  minValue: match.min ?? null,
});

/** The defaults the migration seeds. */
const RULES: RiskRuleData[] = [
  rule("criticality.low", RiskFactor.service_criticality, 0, { value: "low" }),
  rule("criticality.high", RiskFactor.service_criticality, 2, { value: "high" }),
  rule("criticality.critical", RiskFactor.service_criticality, 3, { value: "critical" }),
  rule("type.standard", RiskFactor.change_type, 0, { value: "standard" }),
  rule("type.normal", RiskFactor.change_type, 1, { value: "normal" }),
  rule("type.emergency", RiskFactor.change_type, 3, { value: "emergency" }),
  rule("window.short", RiskFactor.window_length, 0, { min: 0 }),
  rule("window.long", RiskFactor.window_length, 1, { min: 4 }),
  rule("window.very_long", RiskFactor.window_length, 2, { min: 12 }),
  rule("business_hours.inside", RiskFactor.business_hours, 2, { value: "true" }),
  rule("affected.few", RiskFactor.affected_services, 0, { min: 1 }),
  rule("affected.several", RiskFactor.affected_services, 1, { min: 3 }),
  rule("failed.some", RiskFactor.failed_changes, 2, { min: 1 }),
  rule("failed.many", RiskFactor.failed_changes, 3, { min: 3 }),
  rule("caused.some", RiskFactor.caused_incidents, 2, { min: 1 }),
];
const SETTINGS = { mediumFrom: 3, highFrom: 6, businessStartHour: 8, businessEndHour: 18, lookbackDays: 90 };

// Saturday 2026-06-06 02:00-03:00 UTC: outside business hours, short.
const quiet: RiskFacts = {
  type: ChangeType.standard,
  mostCritical: { name: "Wiki", criticality: Criticality.low },
  window: { start: new Date("2026-06-06T02:00:00Z"), end: new Date("2026-06-06T03:00:00Z") },
  affectedServiceCount: 1,
  failedChangeCount: 0,
  causedIncidentCount: 0,
};
const keys = (facts: RiskFacts, rules = RULES) => assessRisk(facts, rules, SETTINGS).reasons.map((r) => r.ruleKey);

describe("change risk from data rules", () => {
  it("gives a short, off-hours standard change on a low service no reasons and low risk", () => {
    expect(assessRisk(quiet, RULES, SETTINGS)).toEqual({ score: 0, level: RiskLevel.low, reasons: [] });
  });

  it("names the service's criticality", () => {
    const r = assessRisk({ ...quiet, mostCritical: { name: "Payments API", criticality: Criticality.critical } }, RULES, SETTINGS);
    expect(r.reasons).toEqual([{ ruleKey: "criticality.critical", factor: "service_criticality", weight: 3, message: "Payments API has critical criticality" }]);
  });

  it("weighs the change type", () => {
    expect(keys({ ...quiet, type: ChangeType.emergency })).toEqual(["type.emergency"]);
    expect(keys({ ...quiet, type: ChangeType.normal })).toEqual(["type.normal"]);
  });

  it("takes the longest window band the length reaches", () => {
    const long = { start: new Date("2026-06-06T00:00:00Z"), end: new Date("2026-06-06T05:00:00Z") };
    const veryLong = { start: new Date("2026-06-06T00:00:00Z"), end: new Date("2026-06-06T13:00:00Z") };
    expect(keys({ ...quiet, window: long })).toEqual(["window.long"]);
    expect(keys({ ...quiet, window: veryLong })).toEqual(["window.very_long"]);
  });

  it("adds business hours when the window touches Monday-Friday 08-18 UTC", () => {
    const monday = { start: new Date("2026-06-08T09:00:00Z"), end: new Date("2026-06-08T10:00:00Z") };
    expect(keys({ ...quiet, window: monday })).toEqual(["business_hours.inside"]);
    expect(touchesBusinessHours({ start: new Date("2026-06-08T18:00:00Z"), end: new Date("2026-06-08T20:00:00Z") }, 8, 18)).toBe(false);
    expect(touchesBusinessHours({ start: new Date("2026-06-07T20:00:00Z"), end: new Date("2026-06-08T08:30:00Z") }, 8, 18)).toBe(true);
  });

  it("counts affected services including dependents", () => {
    const r = assessRisk({ ...quiet, affectedServiceCount: 4 }, RULES, SETTINGS);
    expect(r.reasons.map((x) => [x.ruleKey, x.message])).toEqual([["affected.several", "4 service(s) affected, counting those that depend on them"]]);
  });

  it("counts this service's failed and rolled-back changes", () => {
    expect(keys({ ...quiet, failedChangeCount: 1 })).toEqual(["failed.some"]);
    expect(keys({ ...quiet, failedChangeCount: 5 })).toEqual(["failed.many"]);
  });

  it("counts incidents caused by recent changes", () => {
    const r = assessRisk({ ...quiet, causedIncidentCount: 2 }, RULES, SETTINGS);
    expect(r.reasons[0]).toMatchObject({ ruleKey: "caused.some", message: "2 incident(s) caused by changes on these services in 90 days" });
  });

  it("sums weights into a level at the configured thresholds, heaviest reason first", () => {
    const r = assessRisk(
      { ...quiet, type: ChangeType.emergency, mostCritical: { name: "Payments API", criticality: Criticality.critical }, failedChangeCount: 1 },
      RULES,
      SETTINGS,
    );
    expect(r.score).toBe(8);
    expect(r.level).toBe(RiskLevel.high);
    expect(r.reasons.map((x) => x.weight)).toEqual([3, 3, 2]);
    expect(assessRisk({ ...quiet, type: ChangeType.emergency }, RULES, SETTINGS).level).toBe(RiskLevel.medium);
  });

  it("follows a tuned weight: the data decides, not the code", () => {
    const tuned = RULES.map((r) => (r.key === "type.normal" ? { ...r, weight: 7 } : r));
    expect(assessRisk({ ...quiet, type: ChangeType.normal }, tuned, SETTINGS)).toMatchObject({ score: 7, level: RiskLevel.high });
    const off = RULES.map((r) => (r.key === "type.emergency" ? { ...r, weight: 0 } : r));
    expect(keys({ ...quiet, type: ChangeType.emergency }, off)).toEqual([]);
  });
});
