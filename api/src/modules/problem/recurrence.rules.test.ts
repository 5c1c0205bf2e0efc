import { describe, expect, it } from "vitest";
import { CandidateStatus } from "./problem-candidate.entity";
import { growthSinceDismissal, matchCandidate, reconcileGroup, type FoundGroup, type StoredCandidate } from "./recurrence.rules";

const at = (day: number) => new Date(Date.UTC(2024, 2, day));
const group = (key: string, ids: Array<[string, number]>): FoundGroup => ({ key, members: ids.map(([id, day]) => ({ id, createdAt: at(day) })) });
const stored = (p: Partial<StoredCandidate> & { id: string }): StoredCandidate => ({
  status: CandidateStatus.open,
  groupKey: "a",
  incidentIds: [],
  dismissedIncidentIds: [],
  decidedAt: null,
  ...p,
});

describe("recurrence candidate rules", () => {
  it("creates a candidate for a new group of at least N incidents, and none below N", () => {
    expect(reconcileGroup(group("a", [["a", 1], ["b", 2], ["c", 3]]), null, 3)).toEqual({ action: "create" });
    expect(reconcileGroup(group("a", [["a", 1], ["b", 2]]), null, 3)).toEqual({ action: "none" });
  });

  it("updates an open candidate whose incidents changed and leaves an unchanged one alone", () => {
    const open = stored({ id: "c1", incidentIds: ["a", "b", "c"] });
    expect(reconcileGroup(group("a", [["a", 1], ["b", 2], ["c", 3]]), open, 3)).toEqual({ action: "none" });
    expect(reconcileGroup(group("a", [["a", 1], ["b", 2], ["c", 3], ["d", 4]]), open, 3)).toEqual({ action: "update", candidateId: "c1" });
  });

  it("makes an open candidate go when its incidents were linked elsewhere and fewer than N are left", () => {
    const open = stored({ id: "c1", incidentIds: ["a", "b", "c"] });
    expect(reconcileGroup(group("a", []), open, 3)).toEqual({ action: "gone", candidateId: "c1", reason: "all of its incidents were linked to problems" });
    expect(reconcileGroup(group("a", [["a", 1], ["b", 2]]), open, 3)).toMatchObject({ action: "gone", reason: expect.stringMatching(/only 2 .* needs 3/) });
  });

  it("keeps a dismissed group dismissed until an incident newer than the dismissal joins it", () => {
    const dismissed = stored({ id: "c1", status: CandidateStatus.dismissed, incidentIds: ["a", "b", "c"], dismissedIncidentIds: ["a", "b", "c"], decidedAt: at(10) });
    expect(reconcileGroup(group("a", [["a", 1], ["b", 2], ["c", 3]]), dismissed, 3)).toEqual({ action: "none" });
    // An old incident regrouped by a rebuild is not growth.
    expect(reconcileGroup(group("a", [["a", 1], ["b", 2], ["c", 3], ["old", 5]]), dismissed, 3)).toEqual({ action: "none" });
    expect(reconcileGroup(group("a", [["a", 1], ["b", 2], ["c", 3], ["new", 11]]), dismissed, 3)).toEqual({ action: "reopen", candidateId: "c1", newIncidentIds: ["new"] });
    expect(growthSinceDismissal(dismissed, group("a", [["new", 12], ["b", 2]]))).toEqual(["new"]);
  });

  it("matches an open candidate by key, else the live candidate sharing most incidents, never a decided one", () => {
    const byKey = stored({ id: "k", groupKey: "a", incidentIds: ["a", "b", "c"] });
    const overlapping = stored({ id: "o", groupKey: "x", status: CandidateStatus.dismissed, incidentIds: ["b", "c", "d"], dismissedIncidentIds: ["b", "c", "d"] });
    const accepted = stored({ id: "acc", groupKey: "z", status: CandidateStatus.accepted, incidentIds: ["b", "c", "d", "e"] });
    expect(matchCandidate(group("a", [["a", 1]]), [overlapping, byKey])?.id).toBe("k");
    expect(matchCandidate(group("q", [["b", 1], ["c", 2], ["d", 3]]), [byKey, overlapping, accepted])?.id).toBe("o");
    expect(matchCandidate(group("q", [["e", 1]]), [accepted])).toBeNull();
  });
});
