import { bm25TermScore, DEFAULT_BM25, type Bm25Params } from "../text/bm25";
import { TopK } from "./topk";
import type { VectorHit } from "./ivf-index";

/**
 * An incremental BM25 inverted index. Postings are per-term arrays of (doc, tf); removal leaves a
 * tombstone that queries skip, and df/avgdl are kept exact as documents come and go.
 */
export class Bm25Index {
  private readonly postings = new Map<string, { docs: number[]; tfs: number[] }>();
  private readonly df = new Map<string, number>();
  private readonly docOf = new Map<string, number>();
  private ids: string[] = [];
  private lengths: number[] = [];
  private alive: boolean[] = [];
  private termsOf: string[][] = [];
  private totalLength = 0;

  constructor(readonly params: Bm25Params = DEFAULT_BM25) {}

  get size(): number {
    return this.docOf.size;
  }

  /** Mean document length in terms (BM25's length normalisation). */
  get averageLength(): number {
    return this.size ? this.totalLength / this.size : 0;
  }

  has(id: string): boolean {
    return this.docOf.has(id);
  }

  add(id: string, terms: readonly string[]): void {
    this.remove(id);
    const doc = this.ids.length;
    this.ids.push(id);
    this.lengths.push(terms.length);
    this.alive.push(true);
    this.docOf.set(id, doc);
    this.totalLength += terms.length;
    const counts = new Map<string, number>();
    for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
    this.termsOf.push([...counts.keys()]);
    for (const [t, tf] of counts) {
      let p = this.postings.get(t);
      if (!p) this.postings.set(t, (p = { docs: [], tfs: [] }));
      p.docs.push(doc);
      p.tfs.push(tf);
      this.df.set(t, (this.df.get(t) ?? 0) + 1);
    }
  }

  remove(id: string): boolean {
    const doc = this.docOf.get(id);
    if (doc === undefined) return false;
    this.alive[doc] = false;
    this.docOf.delete(id);
    this.totalLength -= this.lengths[doc];
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
    const avg = this.totalLength / n;
    const scores = new Map<number, number>();
    for (const t of new Set(queryTerms)) {
      const p = this.postings.get(t);
      const df = this.df.get(t);
      if (!p || !df) continue;
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i];
        if (!this.alive[d]) continue;
        const s = bm25TermScore(p.tfs[i], df, n, this.lengths[d], avg, this.params);
        scores.set(d, (scores.get(d) ?? 0) + s);
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
