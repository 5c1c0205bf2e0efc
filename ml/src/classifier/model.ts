import type { SparseVector } from "../text/sparse";

/**
 * A linear softmax model over sparse features: logits = x · W + b. Weights are feature-major
 * (W[feature * nClasses + class]) so one feature's row is contiguous. Inference is a few hundred
 * multiply-adds, done in plain JS: no tensor round-trip for one incident.
 */
export class LinearSoftmax {
  constructor(
    readonly nFeatures: number,
    readonly nClasses: number,
    readonly weights: Float32Array,
    readonly bias: Float32Array,
  ) {
    if (weights.length !== nFeatures * nClasses) throw new Error("weights do not match nFeatures x nClasses");
  }

  static zeros(nFeatures: number, nClasses: number): LinearSoftmax {
    return new LinearSoftmax(nFeatures, nClasses, new Float32Array(nFeatures * nClasses), new Float32Array(nClasses));
  }

  logits(x: SparseVector): Float64Array {
    return this.logitsInto(x, new Float64Array(this.nClasses));
  }

  /** logits(x) written into `out` (length nClasses), for callers scoring many rows. */
  logitsInto(x: SparseVector, out: Float64Array): Float64Array {
    const C = this.nClasses;
    for (let c = 0; c < C; c++) out[c] = this.bias[c];
    for (let i = 0; i < x.indices.length; i++) {
      const row = x.indices[i] * C;
      const v = x.values[i];
      for (let c = 0; c < C; c++) out[c] += v * this.weights[row + c];
    }
    return out;
  }

  /**
   * How much feature column `j` (with value v) pushes towards class c rather than the average
   * class: v * (W[j,c] - mean_k W[j,k]). Positive means "this term argues for c".
   */
  contribution(j: number, v: number, c: number): number {
    const C = this.nClasses;
    let mean = 0;
    for (let k = 0; k < C; k++) mean += this.weights[j * C + k];
    return v * (this.weights[j * C + c] - mean / C);
  }
}
