import { Vocabulary } from "./vocabulary";
import { l2Normalize, sparseFromMap, type SparseVector } from "./sparse";

/** Smoothed idf as in scikit-learn: ln((1 + N) / (1 + df)) + 1, so no term gets weight 0. */
export function smoothIdf(df: number, nDocs: number): number {
  return Math.log((1 + nDocs) / (1 + df)) + 1;
}

/** Sublinear term frequency: a word said 20 times is not 20 times as telling as one said once. */
export function sublinearTf(count: number): number {
  return count > 0 ? 1 + Math.log(count) : 0;
}

export interface TfidfOptions {
  sublinear?: boolean;
  normalize?: boolean;
}

/** TF-IDF weights over a fitted vocabulary; terms outside it are dropped. */
export class TfidfWeighter {
  readonly idf: Float32Array;

  constructor(
    readonly vocab: Vocabulary,
    private readonly opts: TfidfOptions = {},
    idf?: Float32Array,
  ) {
    this.idf = idf ?? Float32Array.from(vocab.df, (df) => smoothIdf(df, vocab.nDocs));
  }

  transform(terms: readonly string[], termWeight = 1): SparseVector {
    return this.finish(this.accumulate(terms, new Map(), termWeight));
  }

  /** Adds term counts into `counts` (by column); lets several fields share one vector. */
  accumulate(terms: readonly string[], counts: Map<number, number>, termWeight = 1): Map<number, number> {
    for (const t of terms) {
      const i = this.vocab.indexOf(t);
      if (i !== undefined) counts.set(i, (counts.get(i) ?? 0) + termWeight);
    }
    return counts;
  }

  /**
   * One vector from several fields, each field's counts turned into term frequency on its own
   * (sublinear when set) and then multiplied by the field's weight. A document with one field is
   * then the same vector whatever that field's weight (the L2 norm takes the constant out), where
   * weighting the counts first (`accumulate` with a term weight) bends the sublinear curve.
   */
  finishFields(fields: readonly { counts: Map<number, number>; weight: number }[]): SparseVector {
    const sublinear = this.opts.sublinear ?? true;
    const tf = new Map<number, number>();
    for (const { counts, weight } of fields) {
      for (const [i, c] of counts) tf.set(i, (tf.get(i) ?? 0) + weight * (sublinear ? sublinearTf(c) : c));
    }
    const weighted = new Map<number, number>();
    for (const [i, t] of tf) weighted.set(i, t * this.idf[i]);
    const v = sparseFromMap(weighted);
    return this.opts.normalize === false ? v : l2Normalize(v);
  }

  /**
   * finishFields over dense per-column counts (0 = absent) at the given columns, ascending: the same
   * arithmetic in the same order, so the same vector bit for bit, without a Map per field.
   */
  finishDenseFields(columns: Int32Array, fields: readonly { counts: Float64Array; weight: number }[]): SparseVector {
    const sublinear = this.opts.sublinear ?? true;
    const indices = columns.slice();
    const values = new Float32Array(indices.length);
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      let t = 0;
      for (const { counts, weight } of fields) {
        const c = counts[i];
        if (c !== 0) t += weight * (sublinear ? sublinearTf(c) : c);
      }
      values[k] = t * this.idf[i];
    }
    const v = { indices, values };
    return this.opts.normalize === false ? v : l2Normalize(v);
  }

  finish(counts: Map<number, number>): SparseVector {
    const sublinear = this.opts.sublinear ?? true;
    const weighted = new Map<number, number>();
    for (const [i, c] of counts) weighted.set(i, (sublinear ? sublinearTf(c) : c) * this.idf[i]);
    const v = sparseFromMap(weighted);
    return this.opts.normalize === false ? v : l2Normalize(v);
  }
}
