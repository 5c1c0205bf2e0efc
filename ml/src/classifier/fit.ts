import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend";
import type { SparseVector } from "../text/sparse";
import { createRng, shuffleInPlace } from "../util/random";
import { LinearSoftmax } from "./model";

let fitCounter = 0;

export interface FitOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** L2 penalty on the weights a batch touches, per example (lazy: rare terms are shrunk rarely). */
  l2: number;
  /**
   * Uniform L2 penalty (weight decay) on every weight at every step: (decay / 2) |W|^2 added to the
   * mean loss. Unlike `l2` it also holds back terms seen in a few examples, which is where a
   * softmax over many n-grams overfits. Default 0.
   */
  weightDecay?: number;
  /**
   * Learning rate at the last step as a share of `learningRate`, reached by linear decay (default 1:
   * constant). Adam at a constant rate keeps jumping around the optimum; decaying it lets the
   * weights settle there, i.e. training converges.
   */
  finalLearningRateShare?: number;
  /**
   * "softmax" (default): cross-entropy of softmax(logits). "squared_hinge": one-vs-rest
   * max(0, 1 - y_c z_c)^2 summed over classes (the loss of a linear SVM such as LinearSVC); the
   * scores are still turned into probabilities by a temperature-scaled softmax afterwards.
   */
  loss?: "softmax" | "squared_hinge";
  seed: number;
  /** Features kept per example (largest values first) so a batch is a dense [B, L] block. */
  maxFeaturesPerExample: number;
  /** Called after each epoch with the current model; return a score to keep the best epoch. */
  onEpoch?: (epoch: number, model: LinearSoftmax) => number;
  onBestEpoch?: (epoch: number) => void;
}

/**
 * Trains softmax regression with TF.js. The sparse input is an "embedding bag": a batch is a flat
 * list of (row, column, value) entries, logits[row] = sum value * W[column] + b. Both that sum and
 * the gradient of W are written explicitly as scatter-adds (tf.scatterND sums duplicate indices),
 * because gather's automatic gradient needs UnsortedSegmentSum, which the wasm backend lacks. Cost
 * per step is O(entries * C) plus the optimizer's pass over W, never a dense [B, nFeatures] matrix.
 */
export async function fitLinearSoftmax(
  X: readonly SparseVector[],
  y: readonly number[],
  sampleWeight: readonly number[],
  nFeatures: number,
  nClasses: number,
  opts: FitOptions,
  onProgress?: (fraction: number) => void,
): Promise<LinearSoftmax> {
  await initBackend();
  const C = nClasses;
  const rng = createRng(opts.seed);
  // Variable names are global to the TF.js engine; a counter keeps concurrent fits apart.
  const run = ++fitCounter;
  const W = tf.variable(tf.zeros([Math.max(nFeatures, 1), C]), true, `quell_softmax_W_${run}`);
  const b = tf.variable(tf.zeros([C]), true, `quell_softmax_b_${run}`);
  const optimizer = tf.train.adam(opts.learningRate);
  const totalSteps = opts.epochs * Math.ceil(X.length / opts.batchSize);
  let stepsDone = 0;
  const finalShare = opts.finalLearningRateShare ?? 1;
  const order = X.map((_, i) => i);
  let best: LinearSoftmax | null = null;
  let bestScore = -Infinity;
  let bestEpoch = 0;
  try {
    for (let epoch = 0; epoch < opts.epochs; epoch++) {
      shuffleInPlace(order, rng);
      for (let start = 0; start < order.length; start += opts.batchSize) {
        const batch = order.slice(start, start + opts.batchSize);
        // tfjs' Adam reads its learningRate field at every update, so the schedule sets it there.
        (optimizer as unknown as { learningRate: number }).learningRate = opts.learningRate * (1 - (1 - finalShare) * (stepsDone++ / Math.max(1, totalSteps - 1)));
        step(batch);
        if (start % (opts.batchSize * 20) === 0) {
          onProgress?.((epoch + start / order.length) / opts.epochs);
          await new Promise((r) => setImmediate(r)); // let progress output and timers run
        }
      }
      const model = new LinearSoftmax(nFeatures, C, (await W.data()).slice(0, nFeatures * C) as Float32Array, (await b.data()).slice() as Float32Array);
      const score = opts.onEpoch ? opts.onEpoch(epoch, model) : epoch;
      if (score > bestScore) {
        bestScore = score;
        best = model;
        bestEpoch = epoch + 1;
      }
    }
    onProgress?.(1);
    opts.onBestEpoch?.(bestEpoch);
    return best ?? LinearSoftmax.zeros(nFeatures, C);
  } finally {
    W.dispose();
    b.dispose();
    optimizer.dispose();
  }

  function step(batch: number[]): void {
    const B = batch.length;
    // The batch as a flat list of (row, column, value) entries, without padding rows to the
    // longest one: ticket lengths vary a lot (median about 700 columns, cap 2048), so a padded
    // [B, L] block was mostly zeros.
    const keeps = batch.map((ex) => topColumns(X[ex], opts.maxFeaturesPerExample));
    const nnz = Math.max(1, keeps.reduce((s, k) => s + k.length, 0));
    const idx = new Int32Array(nnz);
    const rowOf = new Int32Array(nnz);
    const val = new Float32Array(nnz);
    const onehot = new Float32Array(B * C);
    const sw = new Float32Array(B);
    let swSum = 0;
    let p = 0;
    batch.forEach((ex, r) => {
      const x = X[ex];
      for (const k of keeps[r]) {
        idx[p] = x.indices[k];
        rowOf[p] = r;
        val[p++] = x.values[k];
      }
      onehot[r * C + y[ex]] = 1;
      sw[r] = sampleWeight[ex];
      swSum += sampleWeight[ex];
    });
    tf.tidy(() => {
      const idxT = tf.tensor2d(idx, [nnz, 1], "int32");
      const rowT = tf.tensor2d(rowOf, [nnz, 1], "int32");
      const valT = tf.tensor2d(val, [nnz, 1]);
      // gatherND, not gather: on wasm it is about 8x faster for row lookups (measured 7 vs 57 ms
      // for 150k rows of 6 floats). scatterND sums duplicate indices, so it is the segment sum
      // that the wasm backend otherwise lacks.
      const rows = tf.gatherND(W, idxT);
      const logits = tf.scatterND(rowT, rows.mul(valT), [B, C]).add(b);
      const target = tf.tensor2d(onehot, [B, C]);
      // d(weighted mean cross-entropy)/d logits = w_i * (p - y) / sum(w); for the squared hinge with
      // s = 2y - 1: -2 s max(0, 1 - s z) per class.
      const dLoss =
        opts.loss === "squared_hinge"
          ? (() => {
              const sign = target.mul(2).sub(1);
              return tf.relu(tf.scalar(1).sub(sign.mul(logits))).mul(sign).mul(-2);
            })()
          : tf.softmax(logits).sub(target);
      const dLogits = dLoss.mul(tf.tensor2d(sw, [B, 1]).div(swSum));
      const perEntry = tf.gatherND(dLogits, rowT).mul(valT);
      let perRow = perEntry;
      if (opts.l2 > 0) {
        // The L2 gradient goes only to the rows this batch touched (lazy regularisation), so rare
        // terms are not shrunk on every step. Skipped at l2 = 0: it costs two passes over the batch.
        perRow = perEntry.add(rows.mul(opts.l2 / B));
      }
      let dW = tf.scatterND(idxT, perRow, W.shape as [number, number]);
      if (opts.weightDecay) dW = dW.add(W.mul(opts.weightDecay));
      const db = dLogits.sum(0);
      optimizer.applyGradients([
        { name: W.name, tensor: dW },
        { name: b.name, tensor: db },
      ]);
    });
  }
}

/** Positions of the `max` largest-valued entries (all of them when there are fewer). */
function topColumns(x: SparseVector, max: number): number[] {
  const pos = Array.from(x.indices, (_, i) => i);
  if (pos.length <= max) return pos;
  return pos.sort((a, b) => x.values[b] - x.values[a]).slice(0, max);
}
