import { describe, expect, it } from "vitest";
import { ProblemStage as S, checkProblemTransition, nextProblemStages, type ProblemTransitionSubject } from "./problem.lifecycle";

const ready: ProblemTransitionSubject = { hasRootCause: true, hasWorkaround: true, hasFix: true, closingRefusal: null, hasReason: true };

describe("problem transition table", () => {
  it("walks new → investigating → root_cause_known → known_error → resolved → closed when each step's facts are there", () => {
    const path = [S.new, S.investigating, S.root_cause_known, S.known_error, S.resolved, S.closed];
    for (let i = 0; i + 1 < path.length; i++) expect(checkProblemTransition(path[i], path[i + 1], ready).ok).toBe(true);
  });

  it("refuses a skip with INVALID_TRANSITION text naming the allowed next stages", () => {
    const verdict = checkProblemTransition(S.new, S.resolved, ready);
    expect(verdict.ok).toBe(false);
    if (verdict.ok) return;
    expect(verdict.allowed).toEqual([S.investigating, S.cancelled]);
    expect(verdict.reason).toBe("A problem cannot move from new to resolved. Allowed next stages: investigating, cancelled.");
  });

  it("needs a root cause for root_cause_known and a workaround for known_error", () => {
    const noCause = checkProblemTransition(S.investigating, S.root_cause_known, { ...ready, hasRootCause: false });
    expect(noCause.ok === false && noCause.reason).toMatch(/record the root cause first/);
    const noWorkaround = checkProblemTransition(S.root_cause_known, S.known_error, { ...ready, hasWorkaround: false });
    expect(noWorkaround.ok === false && noWorkaround.reason).toMatch(/needs a workaround/);
  });

  it("needs a fix to resolve, from known_error and straight from root_cause_known", () => {
    for (const from of [S.known_error, S.root_cause_known]) {
      const verdict = checkProblemTransition(from, S.resolved, { ...ready, hasFix: false });
      expect(verdict.ok === false && verdict.reason).toMatch(/give a fix description/);
      expect(checkProblemTransition(from, S.resolved, ready).ok).toBe(true);
    }
  });

  it("closes only when the closing rule has no objection, and repeats that objection", () => {
    const verdict = checkProblemTransition(S.resolved, S.closed, { ...ready, closingRefusal: "quiet period runs until X" });
    expect(verdict.ok === false && verdict.reason).toBe("Cannot move from resolved to closed: quiet period runs until X.");
  });

  it("cancels from every open stage with a reason, never without one, and never from resolved", () => {
    for (const from of [S.new, S.investigating, S.root_cause_known, S.known_error]) {
      expect(checkProblemTransition(from, S.cancelled, ready).ok).toBe(true);
      expect(checkProblemTransition(from, S.cancelled, { ...ready, hasReason: false }).ok).toBe(false);
    }
    expect(checkProblemTransition(S.resolved, S.cancelled, ready).ok).toBe(false);
  });

  it("sends a resolved problem back to investigating when the fix did not hold", () => {
    expect(nextProblemStages(S.resolved)).toEqual([S.closed, S.investigating]);
    expect(checkProblemTransition(S.resolved, S.investigating, { ...ready, hasReason: false }).ok).toBe(false);
  });

  it("has no way out of closed or cancelled", () => {
    expect(nextProblemStages(S.closed)).toEqual([]);
    expect(nextProblemStages(S.cancelled)).toEqual([]);
  });
});
