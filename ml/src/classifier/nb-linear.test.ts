import { describe, expect, it } from "vitest";
import { blendLinear, fitNaiveBayesLinear } from "./nb-linear";
import { blendWithNaiveBayes, trainClassifier } from "./train";
import { LinearSoftmax } from "./model";
import { softmax } from "./calibration";
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
