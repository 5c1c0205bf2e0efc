import { base64ToFloat32, float32ToBase64 } from "../util/base64";

export type QuantizerKind = "int8" | "int16";

export interface ScalarQuantizerState {
  kind: QuantizerKind;
  /** Per dimension: the value code 0 stands for (float32, base64). */
  offset: string;
  /** Per dimension: the value of one code step (float32, base64). */
  scale: string;
}

/** Codes of each kind: the levels of its range, and the code that stands for its low end. */
const LEVELS: Record<QuantizerKind, { steps: number; low: number; high: number }> = {
  int8: { steps: 255, low: -128, high: 127 },
  int16: { steps: 65_535, low: -32_768, high: 32_767 },
};

/**
 * Scalar quantisation with a scale and offset per dimension, fitted on the range each dimension
 * takes (LSA dimensions differ widely in spread: the first ones carry most of the variance).
 * x ≈ offset[d] + scale[d]·code, so a value inside the fitted range comes back within scale[d] / 2;
 * values outside it are clamped to its ends. int16 codes are 2 bytes a value and 256 times finer
 * than int8's 1 byte.
 * Search is asymmetric: the query stays float, only stored vectors are codes, and
 * q·x ≈ Σ q[d]·offset[d] + Σ (q[d]·scale[d])·code[d], so a scan is one float × int dot per vector.
 *
 * int8 codes alone lose ranks: on real-text LSA vectors the top 10 of a query are often within a
 * few thousandths of each other, as close as one code step (recall@10 0.93 at best, 120k vectors,
 * `npm run bench:ml-ann-real`). So an int8 index also keeps a second int8 per value, the residual
 * x - decoded(code) in steps of scale / 254 (within scale / 508 of x); scans read only the codes and
 * the residuals re-rank the best few.
 */
export class ScalarQuantizer {
  private readonly invScale: Float32Array;

  constructor(
    readonly kind: QuantizerKind,
    readonly offset: Float32Array,
    readonly scale: Float32Array,
  ) {
    this.invScale = scale.map((s) => 1 / s);
  }

  get dim(): number {
    return this.offset.length;
  }

  /**
   * Fits the range of every dimension over `vectors` (n x dim, flat), widened by `margin` of it on
   * each side (default 5 %) so that vectors added later mostly fall inside: a value beyond the
   * range is clamped to its end, and then its error is no longer bounded by the step.
   */
  static fit(vectors: Float32Array, dim: number, opts: { kind?: QuantizerKind; margin?: number } = {}): ScalarQuantizer {
    const kind = opts.kind ?? "int8";
    const margin = opts.margin ?? 0.05;
    const n = vectors.length / dim;
    const lo = new Float32Array(dim).fill(Infinity);
    const hi = new Float32Array(dim).fill(-Infinity);
    for (let i = 0; i < n; i++) {
      for (let d = 0; d < dim; d++) {
        const x = vectors[i * dim + d];
        if (x < lo[d]) lo[d] = x;
        if (x > hi[d]) hi[d] = x;
      }
    }
    const { steps, low } = LEVELS[kind];
    const offset = new Float32Array(dim);
    const scale = new Float32Array(dim);
    for (let d = 0; d < dim; d++) {
      if (!(hi[d] >= lo[d])) {
        lo[d] = 0;
        hi[d] = 0;
      }
      const widen = (hi[d] - lo[d]) * margin;
      // A constant dimension (e.g. LSA's zero padding) still gets a usable, tiny step.
      scale[d] = Math.max((hi[d] - lo[d] + 2 * widen) / steps, 1e-12);
      offset[d] = lo[d] - widen - low * scale[d];
    }
    return new ScalarQuantizer(kind, offset, scale);
  }

  static fromState(state: ScalarQuantizerState): ScalarQuantizer {
    if (!(state.kind in LEVELS)) throw new Error(`unsupported quantizer ${String(state.kind)}`);
    const offset = base64ToFloat32(state.offset);
    const scale = base64ToFloat32(state.scale);
    if (offset.length !== scale.length) throw new Error(`quantizer offset has ${offset.length} dimensions, scale ${scale.length}`);
    return new ScalarQuantizer(state.kind, offset, scale);
  }

  toState(): ScalarQuantizerState {
    return { kind: this.kind, offset: float32ToBase64(this.offset), scale: float32ToBase64(this.scale) };
  }

  /** Writes the codes of `vector` into `codes` at `at`, and (int8) the residual codes into `residuals`. */
  encodeInto(vector: ArrayLike<number>, codes: Int8Array | Int16Array, residuals: Int8Array | null, at: number): void {
    const dim = this.dim;
    const { low, high } = LEVELS[this.kind];
    for (let d = 0; d < dim; d++) {
      const x = (vector[d] - this.offset[d]) * this.invScale[d];
      const r = Math.round(x);
      const c = r < low ? low : r > high ? high : r;
      codes[at + d] = c;
      if (residuals) {
        const e = Math.round((x - c) * RESIDUAL_STEPS);
        residuals[at + d] = e < -128 ? -128 : e > 127 ? 127 : e;
      }
    }
  }

  encode(vector: ArrayLike<number>): { codes: Int8Array | Int16Array; residuals: Int8Array | null } {
    const codes = this.kind === "int8" ? new Int8Array(this.dim) : new Int16Array(this.dim);
    const residuals = this.kind === "int8" ? new Int8Array(this.dim) : null;
    this.encodeInto(vector, codes, residuals, 0);
    return { codes, residuals };
  }

  /** The float vector stored at `at` (from the codes only when `residuals` is null). */
  decode(codes: Int8Array | Int16Array, residuals: Int8Array | null, at = 0): Float32Array {
    const out = new Float32Array(this.dim);
    for (let d = 0; d < this.dim; d++) {
      out[d] = this.offset[d] + this.scale[d] * (codes[at + d] + (residuals ? residuals[at + d] / RESIDUAL_STEPS : 0));
    }
    return out;
  }

  /**
   * The query in the form a scan needs: `weights[d] = q[d]·scale[d]`, `residualWeights` the same
   * over RESIDUAL_STEPS, and `bias = q·offset`, so that
   * q·decode(code, residual) = bias + weights·code + residualWeights·residual.
   */
  prepareQuery(q: ArrayLike<number>): { weights: Float32Array; residualWeights: Float32Array; bias: number } {
    const weights = new Float32Array(this.dim);
    const residualWeights = new Float32Array(this.dim);
    let bias = 0;
    for (let d = 0; d < this.dim; d++) {
      weights[d] = q[d] * this.scale[d];
      residualWeights[d] = weights[d] / RESIDUAL_STEPS;
      bias += q[d] * this.offset[d];
    }
    return { weights, residualWeights, bias };
  }
}

/** Residual steps in one int8 code step: the residual (within ±1/2 step) spans ±127 of them. */
const RESIDUAL_STEPS = 254;
