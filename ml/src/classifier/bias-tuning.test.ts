import { describe, expect, it } from "vitest";
import { objectiveScore, tuneClassOffsets } from "./bias-tuning";

/**
 * 90 rows of class 0 (75 clear, 15 leaning to class 1) and 10 rows of class 1 that the model
 * ranks just below class 0. Raising class 1 finds the rare class (macro-F1 up) but costs 5 more
 * top-1 answers than it gains: the trade the routing model made.
 */
function leaningSet() {
  const logits: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < 75; i++) (logits.push([1, 0]), labels.push(0));
  for (let i = 0; i < 15; i++) (logits.push([1, 0.85]), labels.push(0));
  for (let i = 0; i < 10; i++) (logits.push([1, 0.8]), labels.push(1));
  return { logits, labels };
}

const accuracyWith = (logits: number[][], labels: number[], off: Float64Array) =>
  objectiveScore(
    "accuracy",
    labels,
    logits.map((l) => (l[1] + off[1] > l[0] + off[0] ? 1 : 0)),
    2,
  );

describe("tuneClassOffsets", () => {
  it("tuned for macro-F1, trades top-1 accuracy for the rare class", () => {
    const { logits, labels } = leaningSet();
    const off = tuneClassOffsets(logits, labels, 2, 1, 0.002, "macro_f1");
    expect(off[1] - off[0]).toBeGreaterThan(0.2);
    expect(accuracyWith(logits, labels, off)).toBeLessThan(0.9);
  });

  it("tuned for accuracy, never lowers validation accuracy", () => {
    const { logits, labels } = leaningSet();
    const off = tuneClassOffsets(logits, labels, 2, 1, 0.002, "accuracy");
    expect(accuracyWith(logits, labels, off)).toBeGreaterThanOrEqual(0.9);
  });
});

describe("objectiveScore", () => {
  it("counts accuracy and macro-F1 by hand", () => {
    // truth 0 0 1 1, predicted 0 1 1 1: accuracy 3/4; F1 class 0 = 2/3, class 1 = 0.8.
    expect(objectiveScore("accuracy", [0, 0, 1, 1], [0, 1, 1, 1], 2)).toBe(0.75);
    expect(objectiveScore("macro_f1", [0, 0, 1, 1], [0, 1, 1, 1], 2)).toBeCloseTo((2 / 3 + 0.8) / 2, 10);
  });
});
