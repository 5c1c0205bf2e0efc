import { base64ToFloat32, float32ToBase64 } from "../util/base64";

export interface ScalarQuantizerState {
  kind: "int16";
  /** Per dimension: the value code 0 stands for (float32, base64). */
  offset: string;
  /** Per dimension: the value of one code step (float32, base64). */
  scale: string;
}

const LOW = -32_768;
const HIGH = 32_767;

/**
 * int16 scalar quantisation with a scale and offset per dimension, fitted on the range each
 * dimension takes (LSA dimensions differ widely in spread: the first ones carry most of the
 * variance). x ≈ offset[d] + scale[d]·code, so a value inside the fitted range comes back within
 * scale[d] / 2 (range / 131,070); values outside it are clamped to its ends.
 * Search is asymmetric: the query stays float, only stored vectors are codes, and
 * q·x ≈ Σ q[d]·offset[d] + Σ (q[d]·scale[d])·code[d], so a scan is one float × int16 dot per vector.
 *
 * Why 16 bits and not 8 (`npm run bench:ml-ann-real`, real-text LSA vectors, 1M): the top 10 of
 * a query are often within a few thousandths of each other, about one int8 step, so int8 codes
 * alone reached recall@10 0.93 at best (120k). int8 codes scanned plus an int8 residual per value
 * to re-rank the best 400 (also 2 bytes a value) reached 0.960 at nprobe 16 with more CPU than
 * float32 (2.9 vs 2.1 ms a query); int16 matched float32 (0.964 vs 0.965, 2.3 ms).
 */
export class ScalarQuantizer {
  readonly kind = "int16";
  private readonly invScale: Float32Array;

  constructor(
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
  static fit(vectors: Float32Array, dim: number, opts: { margin?: number } = {}): ScalarQuantizer {
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
    const offset = new Float32Array(dim);
    const scale = new Float32Array(dim);
    for (let d = 0; d < dim; d++) {
      if (!(hi[d] >= lo[d])) {
        lo[d] = 0;
        hi[d] = 0;
      }
      const widen = (hi[d] - lo[d]) * margin;
      // A constant dimension (e.g. LSA's zero padding) still gets a usable, tiny step.
      scale[d] = Math.max((hi[d] - lo[d] + 2 * widen) / (HIGH - LOW), 1e-12);
      offset[d] = lo[d] - widen - LOW * scale[d];
    }
    return new ScalarQuantizer(offset, scale);
  }

  static fromState(state: ScalarQuantizerState): ScalarQuantizer {
    if (state.kind !== "int16") throw new Error(`unsupported quantizer ${String(state.kind)}`);
    const offset = base64ToFloat32(state.offset);
    const scale = base64ToFloat32(state.scale);
    if (offset.length !== scale.length) throw new Error(`quantizer offset has ${offset.length} dimensions, scale ${scale.length}`);
    return new ScalarQuantizer(offset, scale);
  }

  toState(): ScalarQuantizerState {
    return { kind: "int16", offset: float32ToBase64(this.offset), scale: float32ToBase64(this.scale) };
  }

  /** Writes the codes of `vector` into `codes` at `at`. */
  encodeInto(vector: ArrayLike<number>, codes: Int16Array, at: number): void {
    const dim = this.dim;
    for (let d = 0; d < dim; d++) {
      const r = Math.round((vector[d] - this.offset[d]) * this.invScale[d]);
      codes[at + d] = r < LOW ? LOW : r > HIGH ? HIGH : r;
    }
  }

  encode(vector: ArrayLike<number>): Int16Array {
    const codes = new Int16Array(this.dim);
    this.encodeInto(vector, codes, 0);
    return codes;
  }

  /** The float vector the codes at `codes[at ..]` stand for. */
  decode(codes: Int16Array, at = 0): Float32Array {
    const out = new Float32Array(this.dim);
    for (let d = 0; d < this.dim; d++) out[d] = this.offset[d] + this.scale[d] * codes[at + d];
    return out;
  }

  /**
   * The query in the form a scan needs: `weights[d] = q[d]·scale[d]` and `bias = q·offset`, so that
   * q·decode(code) = bias + weights·code.
   */
  prepareQuery(q: ArrayLike<number>): { weights: Float32Array; bias: number } {
    const weights = new Float32Array(this.dim);
    let bias = 0;
    for (let d = 0; d < this.dim; d++) {
      weights[d] = q[d] * this.scale[d];
      bias += q[d] * this.offset[d];
    }
    return { weights, bias };
  }
}
