import { describe, expect, it } from "vitest";
import { Severity } from "../incident/incident.entity";
import { catalogName, impactUrgencyFor, mapSeverity } from "./import.rules";

describe("import rules", () => {
  it("maps the severity words exports use", () => {
    expect(["SEV1", "P1", "Blocker", "critical", "S0"].map(mapSeverity)).toEqual(Array(5).fill(Severity.SEV1));
    expect(["sev-2", "Major", "high", "P2 (high)"].map(mapSeverity)).toEqual(Array(4).fill(Severity.SEV2));
    expect(["3 - Moderate", "normal", "Medium"].map(mapSeverity)).toEqual(Array(3).fill(Severity.SEV3));
    expect(["trivial", "Minor", "P5", "enhancement"].map(mapSeverity)).toEqual(Array(4).fill(Severity.SEV4));
    expect(mapSeverity("  ")).toBeNull();
    expect(mapSeverity("whenever")).toBeUndefined();
  });

  it("derives impact and urgency from severity", () => {
    expect(impactUrgencyFor(Severity.SEV1)).toEqual({ impact: 1, urgency: 1 });
    expect(impactUrgencyFor(null)).toEqual({ impact: 3, urgency: 3 });
  });

  it("normalises catalog names", () => {
    expect(catalogName("  Payments \t API  ")).toBe("Payments API");
    expect(catalogName("x".repeat(200))).toHaveLength(120);
  });
});
