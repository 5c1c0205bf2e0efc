import { describe, expect, it } from "vitest";
import { accuracyOf, macroF1OverUnion, pairedBootstrapInterval, topKAccuracy } from "./classification";

describe("scoring helpers", () => {
  it("top-k accuracy looks only at the first k ranked labels", () => {
    const truth = ["a", "b", "c"];
    const ranked = [
      ["a", "b", "c"],
      ["c", "a", "b"],
      ["b", "a", "d", "c"],
    ];
    expect(topKAccuracy(truth, ranked, 1)).toBeCloseTo(1 / 3, 10);
    expect(topKAccuracy(truth, ranked, 3)).toBeCloseTo(2 / 3, 10);
  });

  it("macro-F1 averages over labels in the truth or the predictions; an abstention (null) counts as wrong", () => {
    // truth a a b, predicted a c null: a has P 1 R 0.5 F1 2/3; b 0; c (predicted only) 0.
    expect(macroF1OverUnion(["a", "a", "b"], ["a", "c", null])).toBeCloseTo(2 / 9, 10);
    expect(accuracyOf(["a", "a", "b"], ["a", "c", null])).toBeCloseTo(1 / 3, 10);
  });

  it("paired bootstrap interval brackets the observed difference and is empty-width for identical systems", () => {
    const truth = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? "x" : "y"));
    const better = truth.map((t, i) => (i % 10 === 0 ? "z" : t));
    const worse = truth.map((t, i) => (i % 4 === 0 ? "z" : t));
    const [lo, hi] = pairedBootstrapInterval(truth, better, worse, accuracyOf, 300);
    const observed = accuracyOf(truth, better) - accuracyOf(truth, worse);
    expect(lo).toBeLessThanOrEqual(observed);
    expect(hi).toBeGreaterThanOrEqual(observed);
    expect(lo).toBeGreaterThan(0);
    expect(pairedBootstrapInterval(truth, better, better, accuracyOf, 50)).toEqual([0, 0]);
  });
});
