import { describe, expect, it } from "vitest";
import { SuggestionKind } from "./suggestion.entity";
import { draftsToStore, lowConfidenceReason, suggestionMetrics, suggestsCurrentValue, triageInputHash } from "./suggestion.rules";

describe("suggestion rules", () => {
  const input = { title: "DB down", description: "primary unreachable", service: "Payments", category: null, modelIds: ["b", "a"] };

  it("hashes the same text and models the same way whatever the model order", () => {
    expect(triageInputHash(input)).toBe(triageInputHash({ ...input, modelIds: ["a", "b"] }));
    expect(triageInputHash(input)).not.toBe(triageInputHash({ ...input, description: "primary unreachable!" }));
    expect(triageInputHash(input)).not.toBe(triageInputHash({ ...input, modelIds: ["a", "c"] }));
  });

  it("measures precision over decided suggestions and coverage over triaged incidents", () => {
    const m = suggestionMetrics({ kind: SuggestionKind.severity, accepted: 6, corrected: 3, dismissed: 1, pending: 4, abstained: 2, triagedIncidents: 10, coveredIncidents: 8 });
    expect(m).toEqual({ decided: 10, precision: 0.6, coverage: 0.8 });
    expect(suggestionMetrics({ kind: SuggestionKind.team, accepted: 0, corrected: 0, dismissed: 0, pending: 0, abstained: 0, triagedIncidents: 0, coveredIncidents: 0 })).toEqual({ decided: 0, precision: null, coverage: null });
  });

  it("says why it abstained in percent", () => {
    expect(lowConfidenceReason(0.414, 0.62)).toBe("not confident enough: 41% where 62% is needed");
  });

  const incident = { severity: "SEV1", teamId: "team-a", category: null };

  it("recognises a suggestion of the value the incident already has", () => {
    expect(suggestsCurrentValue({ kind: SuggestionKind.severity, value: "SEV1" }, incident)).toBe(true);
    expect(suggestsCurrentValue({ kind: SuggestionKind.severity, value: "SEV2" }, incident)).toBe(false);
    expect(suggestsCurrentValue({ kind: SuggestionKind.team, value: "team-a" }, incident)).toBe(true);
    expect(suggestsCurrentValue({ kind: SuggestionKind.category, value: "network" }, incident)).toBe(false);
    expect(suggestsCurrentValue({ kind: SuggestionKind.severity, value: null }, { ...incident, severity: null })).toBe(false);
    expect(suggestsCurrentValue({ kind: SuggestionKind.similar, value: "team-a" }, incident)).toBe(false);
  });

  it("stores no draft for a decided kind, a decided similar incident, or a value already set", () => {
    const drafts = [
      { kind: SuggestionKind.severity, value: "SEV1" },
      { kind: SuggestionKind.team, value: "team-b" },
      { kind: SuggestionKind.category, value: "network" },
      { kind: SuggestionKind.similar, value: "inc-1" },
      { kind: SuggestionKind.similar, value: "inc-2" },
    ];
    const decided = [
      { kind: SuggestionKind.category, value: "storage" },
      { kind: SuggestionKind.similar, value: "inc-1" },
    ];
    expect(draftsToStore(drafts, decided, incident)).toEqual([
      { kind: SuggestionKind.team, value: "team-b" },
      { kind: SuggestionKind.similar, value: "inc-2" },
    ]);
    expect(draftsToStore(drafts, [], { severity: null, teamId: null, category: null })).toEqual(drafts);
  });
});
