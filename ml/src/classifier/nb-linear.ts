import type { SparseVector } from "../text/sparse";
import { LinearSoftmax } from "./model";

export interface NaiveBayesLinearOptions {
  /** Additive (Laplace/Lidstone) smoothing per feature and class (default 0.1). */
  alpha?: number;
  /** Per-example weights (e.g. balanced class weights); default 1. */
  sampleWeight?: readonly number[];
}

/**
 * Multinomial naive Bayes over the classifier's own (TF-IDF) feature values, written as a linear
 * model: log P(c | x) = log prior_c + sum_j x_j log theta_jc + const, so its logits are x · W + b
 * with W[j, c] = log theta_jc. That lets it be blended into the softmax model's weights
 * (blendLinear) without changing the model's form or its artifact.
 * Priors are uniform: classes are balanced the way the softmax's class weights balance them, and
 * per-class offsets are tuned afterwards anyway. Each feature's row is centred over classes, which
 * leaves every softmax unchanged and keeps the weights small for explanations.
 */
export function fitNaiveBayesLinear(
  X: readonly SparseVector[],
  y: readonly number[],
  nFeatures: number,
  nClasses: number,
  opts: NaiveBayesLinearOptions = {},
): LinearSoftmax {
  const C = nClasses;
  const alpha = opts.alpha ?? 0.1;
  const counts = new Float64Array(nFeatures * C);
  const totals = new Float64Array(C);
  X.forEach((x, i) => {
    const c = y[i];
    const w = opts.sampleWeight?.[i] ?? 1;
    for (let k = 0; k < x.indices.length; k++) {
      const v = x.values[k] * w;
      counts[x.indices[k] * C + c] += v;
      totals[c] += v;
    }
  });
  const logDenom = Array.from(totals, (t) => Math.log(t + alpha * nFeatures));
  const W = new Float32Array(nFeatures * C);
  for (let j = 0; j < nFeatures; j++) {
    let mean = 0;
    for (let c = 0; c < C; c++) mean += Math.log(counts[j * C + c] + alpha) - logDenom[c];
    mean /= C;
    for (let c = 0; c < C; c++) W[j * C + c] = Math.log(counts[j * C + c] + alpha) - logDenom[c] - mean;
  }
  return new LinearSoftmax(nFeatures, C, W, new Float32Array(C));
}

/** a * A + b * B, weight by weight: both models' logits blended, as one linear model. */
export function blendLinear(A: LinearSoftmax, a: number, B: LinearSoftmax, b: number): LinearSoftmax {
  if (A.nFeatures !== B.nFeatures || A.nClasses !== B.nClasses) throw new Error("models differ in shape");
  const W = new Float32Array(A.weights.length);
  for (let i = 0; i < W.length; i++) W[i] = a * A.weights[i] + b * B.weights[i];
  const bias = new Float32Array(A.bias.length);
  for (let i = 0; i < bias.length; i++) bias[i] = a * A.bias[i] + b * B.bias[i];
  return new LinearSoftmax(A.nFeatures, A.nClasses, W, bias);
}
