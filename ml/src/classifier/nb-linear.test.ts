import { describe, expect, it } from "vitest";
import { blendLinear, fitNaiveBayesLinear } from "./nb-linear";
import { blendWithNaiveBayes, trainClassifier } from "./train";
import { LinearSoftmax } from "./model";
import { meanNll, softmax } from "./calibration";
import { objectiveScore } from "./bias-tuning";
import { createRng } from "../util/random";
import type { SparseVector } from "../text/sparse";

const sv = (pairs: [number, number][]): SparseVector => ({
  indices: Int32Array.from(pairs.map((p) => p[0])),
  values: Float32Array.from(pairs.map((p) => p[1])),
});

describe("naive Bayes as a linear model", () => {
  it("gives the multinomial NB posterior (uniform prior) as softmax of x · W", () => {
    // 3 features, 2 classes; class 0 uses features 0 and 2, class 1 features 1 and 2.
    const X = [sv([[0, 2], [2, 1]]), sv([[0, 1]]), sv([[1, 3], [2, 1]])];
    const y = [0, 0, 1];
    const alpha = 0.5;
    const nb = fitNaiveBayesLinear(X, y, 3, 2, { alpha });
    // By hand: counts class 0 = [3, 0, 1] (total 4), class 1 = [0, 3, 1] (total 4).
    const theta = [
      [3.5 / 5.5, 0.5 / 5.5, 1.5 / 5.5],
      [0.5 / 5.5, 3.5 / 5.5, 1.5 / 5.5],
    ];
    const q = sv([[0, 1], [2, 2]]);
    const log0 = Math.log(theta[0][0]) + 2 * Math.log(theta[0][2]);
    const log1 = Math.log(theta[1][0]) + 2 * Math.log(theta[1][2]);
    const expected = Math.exp(log0) / (Math.exp(log0) + Math.exp(log1));
    expect(softmax(nb.logits(q))[0]).toBeCloseTo(expected, 5);
    // Rows are centred: each feature's weights sum to zero over classes.
    for (let j = 0; j < 3; j++) expect(nb.weights[j * 2] + nb.weights[j * 2 + 1]).toBeCloseTo(0, 6);
  });

  it("blends weights linearly and picks the useful model on validation", () => {
    const X = Array.from({ length: 300 }, (_, i) => sv([[i % 2, 1]]));
    const y = X.map((_, i) => i % 2);
    const useless = LinearSoftmax.zeros(2, 2);
    const nb = fitNaiveBayesLinear(X, y, 2, 2);
    const half = blendLinear(useless, 0.5, nb, 0.5);
    expect(half.weights[0]).toBeCloseTo(nb.weights[0] / 2, 6);
    const chosen = blendWithNaiveBayes(useless, nb, X, y, 2);
    expect(chosen.weight).toBeGreaterThan(0);
    expect(chosen.scores[0]).toBeLessThan(chosen.scores[chosen.scores.length - 1]);
    const fixed = blendWithNaiveBayes(useless, nb, X, y, 2, 0);
    expect(Array.from(fixed.model.weights)).toEqual([0, 0, 0, 0]);
  });

  it("scores each blend weight as the blended model itself scores on validation (noisy overlapping classes)", () => {
    const rng = createRng(4);
    const nClasses = 4;
    const row = (c: number) => sv([...new Set(Array.from({ length: 5 }, () => (rng() < 0.5 ? c * 5 + Math.floor(rng() * 5) : Math.floor(rng() * 20))))].sort((a, b) => a - b).map((j) => [j, 0.2 + rng()] as [number, number]));
    const y = Array.from({ length: 400 }, (_, i) => i % nClasses);
    const X = y.map(row);
    const nb = fitNaiveBayesLinear(X.slice(0, 200), y.slice(0, 200), 20, nClasses);
    // A second linear model that disagrees with naive Bayes on many rows, so the weights score differently.
    const other = new LinearSoftmax(20, nClasses, Float32Array.from({ length: 20 * nClasses }, () => rng() - 0.5), Float32Array.from({ length: nClasses }, () => rng() * 0.2));
    const valX = X.slice(200);
    const valY = y.slice(200);
    for (const objective of ["accuracy", "macro_f1"] as const) {
      const result = blendWithNaiveBayes(other, nb, valX, valY, nClasses, undefined, [0, 0.3, 0.6, 1], objective);
      const direct = [0, 0.3, 0.6, 1].map((w) => {
        const m = blendLinear(other, (1 - w) / result.softmaxTemperature, nb, w / result.naiveBayesTemperature);
        const predicted = valX.map((x) => {
          const l = m.logits(x);
          return l.indexOf(Math.max(...l));
        });
        return objectiveScore(objective, valY, predicted, nClasses);
      });
      expect(result.scores).toEqual(direct);
      expect(new Set(direct).size).toBeGreaterThan(1);
    }
  });

  it("computes the mean NLL of softmax(logits / T) without changing a bit", () => {
    const logits = [Float64Array.from([2, -1, 0.5]), Float64Array.from([0.1, 0.2, 30])];
    const labels = [0, 1];
    for (const t of [0.3, 1, 7]) {
      const expected = -(Math.log(softmax(logits[0], t)[0]) + Math.log(Math.max(softmax(logits[1], t)[1], 1e-12))) / 2;
      expect(meanNll(logits, labels, t)).toBe(expected);
    }
  });

  it("records the chosen blend in the classifier's validation figures", async () => {
    const words = ["vpn", "dns", "router", "printer", "toner", "monitor"];
    const rows = Array.from({ length: 260 }, (_, i) => ({
      title: `${words[i % 3]} ${words[(i * 7) % 3]} issue ${i % 11}`,
      label: "net",
    })).concat(Array.from({ length: 260 }, (_, i) => ({ title: `${words[3 + (i % 3)]} ${words[3 + ((i * 5) % 3)]} issue ${i % 13}`, label: "hw" })));
    const clf = await trainClassifier(rows, { seed: 1, epochs: 2, validationShare: 0.4 });
    expect(clf.validation.nb_blend).toBeGreaterThanOrEqual(0);
    expect(clf.validation.nb_blend).toBeLessThanOrEqual(1);
    expect(clf.predict({ title: "toner and monitor" }).topLabel).toBe("hw");
    const fixed = await trainClassifier(rows, { seed: 1, epochs: 2, naiveBayesBlend: 1 });
    expect(fixed.validation.nb_blend).toBe(1);
    expect(fixed.predict({ title: "vpn dns" }).topLabel).toBe("net");
  });
});
