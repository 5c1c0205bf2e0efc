import { bm25Idf, bm25TermScore, DEFAULT_BM25, type Bm25Params } from "../text/bm25";
import { TopK } from "./topk";
import type { VectorHit } from "./ivf-index";

/**
 * BM25F (Robertson, Zaragoza & Taylor 2004): a document is several fields (an incident's title and
 * description), each with its own weight. `lengthNormalisation` says how lengths count:
 * - "document": one length per document, the weighted sum of its field lengths, and the index's `b`.
 *   The score is then exactly BM25 on the concatenation with each field repeated `weight` times
 *   (integer weights), which is how the title weight was applied before fields existed.
 * - "field": each field is normalised by its own mean length with its own `b` (a long log in the
 *   description no longer dilutes the title's words), then the weighted pseudo-frequency saturates
 *   once, as in BM25F.
 */
export interface Bm25FieldOptions {
  /** Weight of each field's term frequency (one entry per field, in the order of addFields). */
  weights: readonly number[];
  lengthNormalisation: "document" | "field";
  /** Per-field `b` for "field" normalisation (default the index's `b` for each field). */
  b?: readonly number[];
}

/** One field, weight 1: plain BM25 over the terms given to add(). */
export const SINGLE_FIELD: Bm25FieldOptions = { weights: [1], lengthNormalisation: "document" };

/**
 * An incremental BM25 inverted index. Postings are per-term arrays of (doc, tf per field); removal
 * leaves a tombstone that queries skip, and df/avgdl are kept exact as documents come and go.
 */
export class Bm25Index {
  private readonly postings = new Map<string, { docs: number[]; tfs: number[] }>();
  private readonly df = new Map<string, number>();
  private readonly docOf = new Map<string, number>();
  private ids: string[] = [];
  /** Weighted document length ("document" normalisation's length). */
  private lengths: number[] = [];
  /** Per-field lengths, doc-major (doc * fields + field). */
  private fieldLengths: number[] = [];
  private alive: boolean[] = [];
  private termsOf: string[][] = [];
  private totalLength = 0;
  private readonly totalFieldLength: number[];
  readonly fields: Bm25FieldOptions;

  constructor(
    readonly params: Bm25Params = DEFAULT_BM25,
    fields: Bm25FieldOptions = SINGLE_FIELD,
  ) {
    if (!fields.weights.length || fields.weights.some((w) => !(w >= 0) || !Number.isFinite(w))) throw new Error("BM25F field weights must be finite and non-negative");
    if (fields.b && fields.b.length !== fields.weights.length) throw new Error("BM25F needs one b per field");
    this.fields = { ...fields, b: fields.b ?? fields.weights.map(() => params.b) };
    this.totalFieldLength = fields.weights.map(() => 0);
  }

  get size(): number {
    return this.docOf.size;
  }

  /** Mean (weighted) document length in terms (BM25's length normalisation). */
  get averageLength(): number {
    return this.size ? this.totalLength / this.size : 0;
  }

  has(id: string): boolean {
    return this.docOf.has(id);
  }

  /** A one-field document (the index must have one field). */
  add(id: string, terms: readonly string[]): void {
    this.addFields(id, [terms]);
  }

  /** A document given as its fields' terms, in the order of the index's field weights. */
  addFields(id: string, fieldTerms: readonly (readonly string[])[]): void {
    const nf = this.fields.weights.length;
    if (fieldTerms.length !== nf) throw new Error(`BM25 index has ${nf} field(s), got ${fieldTerms.length}`);
    this.remove(id);
    const doc = this.ids.length;
    this.ids.push(id);
    this.alive.push(true);
    this.docOf.set(id, doc);
    let length = 0;
    const counts = new Map<string, number[]>();
    fieldTerms.forEach((terms, f) => {
      length += this.fields.weights[f] * terms.length;
      this.fieldLengths.push(terms.length);
      this.totalFieldLength[f] += terms.length;
      for (const t of terms) {
        let c = counts.get(t);
        if (!c) counts.set(t, (c = new Array<number>(nf).fill(0)));
        c[f]++;
      }
    });
    this.lengths.push(length);
    this.totalLength += length;
    this.termsOf.push([...counts.keys()]);
    for (const [t, tf] of counts) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = { docs: [], tfs: [] }));
      p.docs.push(doc);
      p.tfs.push(...tf);
      this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
  }

  remove(id: string): boolean {
    const doc = this.docOf.get(id);
    if (doc === undefined) return false;
    this.alive[doc] = false;
    this.docOf.delete(id);
    this.totalLength -= this.lengths[doc];
    const nf = this.fields.weights.length;
    for (let f = 0; f < nf; f++) this.totalFieldLength[f] -= this.fieldLengths[doc * nf + f];
    for (const t of this.termsOf[doc]) {
      const n = (this.df.get(t) ?? 1) - 1;
      if (n > 0) this.df.set(t, n);
      else this.df.delete(t);
    }
    this.termsOf[doc] = [];
    return true;
  }

  /** Terms of an indexed document (distinct), for "shared terms" explanations. */
  termsOfId(id: string): readonly string[] {
    const doc = this.docOf.get(id);
    return doc === undefined ? [] : this.termsOf[doc];
  }

  documentFrequency(term: string): number {
    return this.df.get(term) ?? 0;
  }

  search(queryTerms: readonly string[], k: number, filter?: (id: string) => boolean): VectorHit[] {
    const n = this.size;
    if (n === 0 || k <= 0) return [];
    const nf = this.fields.weights.length;
    const w = this.fields.weights;
    const avg = this.totalLength / n;
    const perField = this.fields.lengthNormalisation === "field";
    const fieldB = this.fields.b!;
    const fieldAvg = this.totalFieldLength.map((t) => t / n);
    const { k1 } = this.params;
    const scores = new Map<number, number>();
    for (const t of new Set(queryTerms)) {
      const p = this.postings.get(t);
      const df = this.df.get(t);
      if (!p || !df) continue;
      const idf = perField ? bm25Idf(df, n) : 0;
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i];
        if (!this.alive[d]) continue;
        let s: number;
        if (perField) {
          let pseudoTf = 0;
          for (let f = 0; f < nf; f++) {
            const tf = p.tfs[i * nf + f];
            if (tf === 0) continue;
            const norm = 1 - fieldB[f] + (fieldB[f] * this.fieldLengths[d * nf + f]) / (fieldAvg[f] || 1);
            pseudoTf += (w[f] * tf) / norm;
          }
          s = pseudoTf > 0 ? (idf * (k1 + 1) * pseudoTf) / (k1 + pseudoTf) : 0;
        } else {
          let tf = 0;
          for (let f = 0; f < nf; f++) tf += w[f] * p.tfs[i * nf + f];
          s = bm25TermScore(tf, df, n, this.lengths[d], avg, this.params);
        }
        if (s > 0) scores.set(d, (scores.get(d) ?? 0) + s);
      }
    }
    const top = new TopK(k);
    for (const [d, s] of scores) {
      if (s <= top.floor) continue;
      if (filter && !filter(this.ids[d])) continue;
      top.push(d, s);
    }
    const out: VectorHit[] = [];
    for (let i = 0; i < top.size; i++) out.push({ id: this.ids[top.items[i]], score: top.scores[i] });
    return out;
  }
}
