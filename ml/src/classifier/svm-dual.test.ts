import { describe, expect, it } from "vitest";
import { fitLinearSvmDual, fitLinearSvmDualThreaded } from "./svm-dual";
import { createRng } from "../util/random";
import type { SparseVector } from "../text/sparse";

/** Three overlapping classes over 30 features: each class favours its own ten, with noise. */
function noisyRows(n: number, seed: number): { X: SparseVector[]; y: number[] } {
  const rng = createRng(seed);
  const X: SparseVector[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    const cols = new Set<number>();
    for (let k = 0; k < 6; k++) cols.add(rng() < 0.6 ? c * 10 + Math.floor(rng() * 10) : Math.floor(rng() * 30));
    const indices = Int32Array.from([...cols].sort((a, b) => a - b));
    const values = new Float32Array(indices.length).fill(1 / Math.sqrt(indices.length));
    X.push({ indices, values });
    y.push(c);
  }
  return { X, y };
}

const argmax = (l: ArrayLike<number>) => Array.from(l).indexOf(Math.max(...Array.from(l)));

/** Primal objective of one class: 0.5 |w|^2 + C sum max(0, 1 - y w.x)^2 (bias as a feature). */
function primal(X: SparseVector[], y: number[], c: number, W: Float32Array, b: number, C: number, nClasses: number): number {
  let reg = b * b;
  for (let j = c; j < W.length; j += nClasses) reg += W[j] * W[j];
  let loss = 0;
  X.forEach((x, i) => {
    let z = b;
    x.indices.forEach((j, k) => (z += x.values[k] * W[j * nClasses + c]));
    const m = Math.max(0, 1 - (y[i] === c ? 1 : -1) * z);
    loss += m * m;
  });
  return 0.5 * reg + C * loss;
}

describe("fitLinearSvmDual", () => {
  it("learns overlapping classes well above chance on held-out rows and reaches the optimum (no random direction lowers the objective)", () => {
    const train = noisyRows(600, 1);
    const test = noisyRows(300, 2);
    const fit = fitLinearSvmDual(train.X, train.y, train.y.map(() => 1), 30, 3, { c: 1, seed: 5, tolerance: 1e-4 });
    const acc = test.X.filter((x, i) => argmax(fit.model.logits(x)) === test.y[i]).length / test.X.length;
    expect(acc).toBeGreaterThan(0.6);
    expect(fit.iterations.every((n) => n < 1000)).toBe(true);
    const at = primal(train.X, train.y, 0, fit.model.weights, fit.model.bias[0], 1, 3);
    const rng = createRng(9);
    for (let t = 0; t < 20; t++) {
      const W = Float32Array.from(fit.model.weights, (v, j) => (j % 3 === 0 ? v + (rng() - 0.5) * 0.02 : v));
      expect(primal(train.X, train.y, 0, W, fit.model.bias[0] + (rng() - 0.5) * 0.02, 1, 3)).toBeGreaterThanOrEqual(at - 1e-6);
    }
  });

  it("warm-started from a fit on a subset, reaches the same model as a fresh solve in fewer passes", () => {
    const { X, y } = noisyRows(900, 3);
    const part = X.map((_, i) => i).filter((i) => i % 5 !== 0);
    const first = fitLinearSvmDual(part.map((i) => X[i]), part.map((i) => y[i]), part.map(() => 1), 30, 3, { seed: 1, tolerance: 1e-3 });
    const initialAlpha = first.alpha.map((a) => {
      const all = new Float64Array(X.length);
      part.forEach((row, k) => (all[row] = a[k]));
      return all;
    });
    const fresh = fitLinearSvmDual(X, y, y.map(() => 1), 30, 3, { seed: 1, tolerance: 1e-3 });
    const warm = fitLinearSvmDual(X, y, y.map(() => 1), 30, 3, { seed: 1, tolerance: 1e-3, initialAlpha });
    const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);
    expect(sum(warm.iterations)).toBeLessThan(sum(fresh.iterations));
    warm.model.weights.forEach((v, j) => expect(v).toBeCloseTo(fresh.model.weights[j], 2));
  });

  it("shares classes out between threads and returns the same model and dual variables, bit for bit", async () => {
    const { X, y } = noisyRows(900, 4);
    const weights = y.map((c) => (c === 2 ? 2 : 1));
    // Warm-started from one fit, as the C search does, so the initial dual variables are passed to the worker too.
    const warm = fitLinearSvmDual(X, y, weights, 30, 3, { c: 0.3, seed: 2 });
    const opts = { c: 1, seed: 2, tolerance: 1e-3, initialAlpha: warm.alpha };
    const serial = fitLinearSvmDual(X, y, weights, 30, 3, opts);
    const threaded = await fitLinearSvmDualThreaded(X, y, weights, 30, 3, { ...opts, threads: 3 });
    expect(Array.from(threaded.model.weights)).toEqual(Array.from(serial.model.weights));
    expect(Array.from(threaded.model.bias)).toEqual(Array.from(serial.model.bias));
    expect(threaded.iterations).toEqual(serial.iterations);
    threaded.alpha.forEach((a, c) => expect(Array.from(a)).toEqual(Array.from(serial.alpha[c])));
    // Not trivially equal: another seed's solve stops at another point within the tolerance.
    const reseeded = fitLinearSvmDual(X, y, weights, 30, 3, { ...opts, seed: 3 });
    expect(Array.from(reseeded.model.weights)).not.toEqual(Array.from(serial.model.weights));
  });

  it("weighs rows by their sample weight (a heavy class wins ties)", () => {
    const x: SparseVector = { indices: Int32Array.from([0]), values: Float32Array.from([1]) };
    const X = [x, x, x, x];
    const y = [0, 0, 1, 1];
    const even = fitLinearSvmDual(X, y, [1, 1, 1, 1], 1, 2, { tolerance: 1e-6 });
    const heavy = fitLinearSvmDual(X, y, [1, 1, 5, 5], 1, 2, { tolerance: 1e-6 });
    expect(Math.abs(even.model.logits(x)[0] - even.model.logits(x)[1])).toBeLessThan(1e-6);
    expect(argmax(heavy.model.logits(x))).toBe(1);
  });
});
