import { describe, expect, it } from "vitest";
import { learnFusionFromFeedback, type JudgedCandidate } from "./feedback";
import { SIMILAR_INCIDENT_FUSION } from "./fusion";

// People found the lexical match helpful and marked the semantically close but wrong one "not similar".
const query = (): JudgedCandidate[] => [
  { dense: 0.3, bm25Relative: 1, ageDays: 60, helpful: true },
  { dense: 0.9, bm25Relative: 0.1, ageDays: 30, helpful: false },
  { dense: 0.2, bm25Relative: 0.1, ageDays: 400, helpful: false },
];

describe("learnFusionFromFeedback", () => {
  it("moves weight to the side whose top hits people found helpful, and says how many pairs it now orders rightly", () => {
    const r = learnFusionFromFeedback(Array.from({ length: 25 }, query), SIMILAR_INCIDENT_FUSION);
    expect(r.queries).toBe(25);
    expect(r.pairs).toBe(50);
    expect(r.pairAccuracyBefore).toBeCloseTo(0.5, 5); // 0.6 dense: the wrong one wins, the old one loses
    expect(r.changed).toBe(true);
    expect(r.fusion.denseWeight).toBeLessThan(SIMILAR_INCIDENT_FUSION.denseWeight);
    expect(r.pairAccuracyAfter).toBe(1);
  });

  it("keeps the weights with too few judged queries, and ignores queries without both verdicts", () => {
    const few = learnFusionFromFeedback(Array.from({ length: 5 }, query), SIMILAR_INCIDENT_FUSION);
    expect(few.changed).toBe(false);
    expect(few.fusion).toBe(SIMILAR_INCIDENT_FUSION);
    const oneSided = learnFusionFromFeedback(Array.from({ length: 30 }, () => [{ dense: 1, bm25Relative: 0, ageDays: 1, helpful: false }]), SIMILAR_INCIDENT_FUSION);
    expect(oneSided.queries).toBe(0);
    expect(oneSided.changed).toBe(false);
  });
});
