import { describe, expect, it } from "vitest";
import { ChangeOrigin, describeChange, describeChanges, referencedIds, type FieldChange, type TimelineField } from "./incident.timeline";

const names = {
  users: new Map([["u1", "Dana Database"]]),
  teams: new Map([["t1", "Workplace IT"]]),
  services: new Map([["s1", "Payments"]]),
};

describe("incident timeline text", () => {
  it("names people, teams and services instead of showing their ids", () => {
    expect(describeChange({ field: "commanderId", to: "u1" }, names)).toBe("Commander: Dana Database");
    expect(describeChange({ field: "communicationsLeadId", to: null }, names)).toBe("Communications lead removed");
    expect(describeChange({ field: "assigneeId", to: "u1" }, names)).toBe("Assigned to Dana Database");
    expect(describeChange({ field: "serviceId", to: "s1" }, names)).toBe("Service set to Payments");
    expect(describeChange({ field: "isMajor", to: true }, names)).toBe("Declared a major incident");
    expect(describeChange({ field: "impact", to: 1 }, names)).toBe("Impact set to 1 (high)");
    expect(describeChange({ field: "title", to: "VPN\ndown" }, names)).toBe('Title changed to "VPN down"');
  });

  it("says when a change came from a suggestion", () => {
    expect(describeChanges([{ field: "teamId", to: "t1" }], names, ChangeOrigin.acceptedSuggestion)).toBe("Team set to Workplace IT (accepted suggestion)");
    expect(describeChanges([{ field: "severity", to: "SEV2" }, { field: "priority", to: 2 }], names)).toBe("Severity set to SEV2; Priority is now P2");
  });

  it("never shows a field name, whatever the field", () => {
    const fields: TimelineField[] = ["title", "description", "serviceId", "category", "impact", "urgency", "priority", "severity", "resolution", "isMajor", "commanderId", "communicationsLeadId", "scribeId", "assigneeId", "teamId"];
    for (const field of fields) {
      for (const to of ["unknown-id", null]) {
        const text = describeChange({ field, to }, names);
        expect(text).not.toMatch(/[a-z]Id\b|isMajor/);
        // An id is never shown, even one without a known name.
        if (field.endsWith("Id")) expect(text).not.toContain("unknown-id");
      }
    }
  });

  it("collects the ids a set of changes refers to", () => {
    const changes: FieldChange[] = [{ field: "commanderId", to: "u1" }, { field: "teamId", to: "t1" }, { field: "scribeId", to: null }, { field: "serviceId", to: "s1" }];
    expect(referencedIds(changes)).toEqual({ users: ["u1"], teams: ["t1"], services: ["s1"] });
  });
});
