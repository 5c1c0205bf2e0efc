import { describe, expect, it } from "vitest";
import { classificationMetrics, expectedCalibrationError } from "./metrics";
import { fitTemperature, meanNll } from "./calibration";
import { chooseAbstainThreshold } from "./abstain";
import { MultinomialNaiveBayes, MajorityClassifier } from "./naive-bayes";

describe("classificationMetrics", () => {
  it("matches a hand count", () => {
    const truth = ["a", "a", "a", "b", "b", "c"];
    const pred = ["a", "a", "b", "b", "c", "c"];
    const m = classificationMetrics(truth, pred);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    // a: P 2/2 R 2/3 F1 0.8; b: P 1/2 R 1/2 F1 0.5; c: P 1/2 R 1 F1 2/3
    expect(m.perClass.a.precision).toBe(1);
    expect(m.perClass.a.recall).toBeCloseTo(2 / 3, 12);
    expect(m.perClass.a.f1).toBeCloseTo(0.8, 12);
    expect(m.perClass.a.support).toBe(3);
    expect(m.perClass.b.f1).toBeCloseTo(0.5, 12);
    expect(m.perClass.c.f1).toBeCloseTo(2 / 3, 12);
    expect(m.macroF1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
  });
});

describe("expectedCalibrationError", () => {
  it("weights each bin's |accuracy - confidence| by its share", () => {
    // bin (0.8,0.9]: conf 0.85 x2, one right -> |0.5-0.85| = 0.35; bin (0.2,0.3]: 0.25, right -> 0.75
    expect(expectedCalibrationError([0.85, 0.85, 0.25], [true, false, true])).toBeCloseTo((2 / 3) * 0.35 + (1 / 3) * 0.75, 12);
    expect(expectedCalibrationError([], [])).toBe(0);
  });
});

describe("temperature scaling", () => {
  it("lowers the NLL of overconfident logits and keeps a well-calibrated model near T=1", () => {
    // Logits that say 99.99% but are right only 70% of the time.
    const logits: number[][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 100; i++) {
      logits.push([10, 0]);
      labels.push(i < 70 ? 0 : 1);
    }
    const t = fitTemperature(logits, labels);
    expect(t).toBeGreaterThan(2);
    expect(meanNll(logits, labels, t)).toBeLessThan(meanNll(logits, labels, 1));
    // softmax([10,0]/T)[0] should be about 0.7 at the optimum: T = 10 / ln(0.7/0.3)
    expect(t).toBeCloseTo(10 / Math.log(0.7 / 0.3), 2);
  });
});

describe("chooseAbstainThreshold", () => {
  it("takes the lowest confidence whose kept predictions reach the target precision", () => {
    const conf = [0.95, 0.9, 0.8, 0.7, 0.6, 0.5];
    const correct = [true, true, true, false, true, false];
    // target 0.8: keeping down to 0.6 gives 4/5 right; the cut sits halfway to the next (0.5)
    expect(chooseAbstainThreshold(conf, correct, 0.8)).toBeCloseTo(0.55, 12);
    expect(chooseAbstainThreshold(conf, correct, 1)).toBeCloseTo(0.75, 12);
    // all right: halfway between the lowest confidence and the floor
    expect(chooseAbstainThreshold([0.9, 0.7], [true, true], 0.9, 0.05, 0.5)).toBeCloseTo(0.6, 12);
  });
});

describe("baselines", () => {
  it("naive Bayes and majority behave as their definitions say", () => {
    const nb = new MultinomialNaiveBayes().fit(["disk full", "disk slow", "login broken"], ["infra", "infra", "app"]);
    expect(nb.predict("disk")).toBe("infra");
    expect(nb.predict("login")).toBe("app");
    expect(new MajorityClassifier().fit(["x", "y", "y"]).predict()).toBe("y");
  });
});
