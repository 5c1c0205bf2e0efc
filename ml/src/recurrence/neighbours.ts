import { fuse, type Candidate } from "../similar/fusion";
import { retrievalTerms } from "../similar/lsa-embedder";
import type { VectorHit } from "../similar/ivf-index";
import type { SimilarIncidentIndex } from "../similar/similar-index";
import { TopK } from "../similar/topk";
import { bm25Idf, bm25TfFactor } from "../text/bm25";
import type { IncidentFeatures, PairScorer, RecurrenceIncident } from "./features";

/**
 * Postings a BM25 lookup walks before it stops seeking new incidents by the commoner words (about
 * 20 query words with their lists of up to n incidents each otherwise make every lookup O(n)).
 */
const WALK_BUDGET = 4_096;

interface Postings {
  handles: Int32Array;
  tfs: Uint16Array;
  count: number;
  /** Highest tf in the list: with the shortest incident, what bounds the term's BM25 score. */
  maxTf: number;
}

/**
 * The nearest earlier incidents of a new one, as similar-incident search ranks them, restricted to
 * the incidents already assigned to a group: the ANN search of the index (same cells, same probes)
 * and BM25 under the index's document frequencies, fused the same way. What makes it fast is the
 * lexical side: the search's BM25 walks every posting of every query word over the whole history
 * (a word in 40 % of 100k incidents is 40k postings) and scores through a Map, then drops the
 * unassigned. Here the postings hold only assigned incidents, keyed by the scorer's term ids, and
 * scores add up in a typed array: the same scores (same terms in the same order, same formula)
 * at a fraction of the cost. Up to ties at the cut, the result is the search's.
 */
export class AssignedNeighbours {
  private readonly handleOf = new Map<string, number>();
  private ids: string[] = [];
  private features: IncidentFeatures[] = [];
  /** Shortest incident ever added (tombstones included): a safe bound for MaxScore. */
  private minLength = Infinity;
  private lengths = new Float64Array(1024);
  private alive = new Uint8Array(1024);
  private readonly postings: Array<Postings | undefined> = [];
  /** Score accumulator per handle and the query that last touched it (no clearing between queries). */
  private acc = new Float64Array(1024);
  private stamp = new Int32Array(1024);
  private touched = new Int32Array(1024);
  private query = 0;

  constructor(
    readonly index: SimilarIncidentIndex,
    readonly scorer: PairScorer,
  ) {}

  get size(): number {
    return this.handleOf.size;
  }

  has(id: string): boolean {
    return this.handleOf.has(id);
  }

  /** Makes an assigned incident findable by later ones. */
  add(f: IncidentFeatures): void {
    this.remove(f.id);
    const h = this.ids.length;
    this.ids.push(f.id);
    this.features.push(f);
    this.minLength = Math.min(this.minLength, f.length);
    if (h >= this.alive.length) this.growHandles(h + 1);
    this.handleOf.set(f.id, h);
    this.alive[h] = 1;
    this.lengths[h] = f.length;
    for (let i = 0; i < f.termIds.length; i++) {
      const t = f.termIds[i];
      let p = this.postings[t];
      if (!p) this.postings[t] = p = { handles: new Int32Array(4), tfs: new Uint16Array(4), count: 0, maxTf: 0 };
      if (p.count === p.handles.length) {
        const handles = new Int32Array(p.count * 2);
        handles.set(p.handles);
        const tfs = new Uint16Array(p.count * 2);
        tfs.set(p.tfs);
        p.handles = handles;
        p.tfs = tfs;
      }
      p.handles[p.count] = h;
      p.tfs[p.count] = f.tfs[i];
      p.maxTf = Math.max(p.maxTf, f.tfs[i]);
      p.count++;
    }
  }

  /** Unassigned (deleted, or about to be reassigned): its postings stay as tombstones. */
  remove(id: string): void {
    const h = this.handleOf.get(id);
    if (h === undefined) return;
    this.alive[h] = 0;
    this.handleOf.delete(id);
  }

  /**
   * Ids of the `k` assigned incidents that similar-incident search would rank first for `x`:
   * top `depth` by ANN and top `depth` by BM25, fused, best first (ties by id). `qVec` is x's
   * vector; `dense`, when given, is its ANN top `depth` among the assigned, found ahead (a rebuild's
   * OrderedDenseSearch), else the index's ANN search finds it now.
   */
  nearest(x: RecurrenceIncident, qVec: Float32Array, k: number, depth: number, dense?: readonly VectorHit[]): string[] {
    const n = Math.max(depth, k);
    dense ??= this.index.ann.search(qVec, n, { filter: (id) => id !== x.id && this.handleOf.has(id) });
    const lexical = this.bm25(retrievalTerms(x, this.index.bm25TitleWeight), n, x.id);
    const byId = new Map<string, Candidate>();
    dense.forEach((h, r) => byId.set(h.id, { id: h.id, dense: h.score, bm25: 0, denseRank: r + 1, bm25Rank: Infinity }));
    lexical.forEach((h, r) => {
      const c = byId.get(h.id);
      if (c) {
        c.bm25 = h.score;
        c.bm25Rank = r + 1;
      } else {
        byId.set(h.id, { id: h.id, dense: dot(qVec, this.features[this.handleOf.get(h.id)!].vector), bm25: h.score, denseRank: Infinity, bm25Rank: r + 1 });
      }
    });
    const maxBm25 = lexical.length ? lexical[0].score : 0;
    return [...byId.values()]
      .map((c) => ({ id: c.id, score: fuse(c, maxBm25, this.index.fusion) }))
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1))
      .slice(0, k)
      .map((h) => h.id);
  }

  /**
   * BM25 top `k` among assigned incidents, with Bm25Index.search's scores (its formula, document
   * frequencies and mean length) but MaxScore pruning (Turtle & Flood 1995): query words are taken
   * rarest first, and once the k-th best score so far beats the most the remaining (common) words
   * could still add, no incident they alone would bring can enter the top k; their long postings are
   * not walked, and the incidents already in the running get those words' scores from their own
   * term lists. That is exact (up to the order in which a score's terms are added). When the bound
   * is not reached within WALK_BUDGET postings, the search stops walking all the same: an incident
   * sharing only the query's commonest words is then not sought, which keeps a lookup's cost flat in
   * the size of the history (the words that recurrences share are the rare ones).
   */
  private bm25(queryTerms: readonly string[], k: number, excludeId: string): Array<{ id: string; score: number }> {
    const bm = this.index.bm25;
    const nDocs = bm.size;
    if (nDocs === 0 || k <= 0) return [];
    const avg = bm.averageLength;
    const params = bm.params;
    const terms: Array<{ id: number; idf: number; postings: Postings; bound: number }> = [];
    for (const term of new Set(queryTerms)) {
      const id = this.scorer.termId(term);
      const postings = id === undefined ? undefined : this.postings[id];
      const df = bm.documentFrequency(term);
      if (!postings || !df || id === undefined) continue;
      const idf = bm25Idf(df, nDocs);
      terms.push({ id, idf, postings, bound: idf * bm25TfFactor(postings.maxTf, this.minLength, avg, params) });
    }
    terms.sort((a, b) => b.bound - a.bound || a.postings.count - b.postings.count);
    const rest = new Float64Array(terms.length + 1);
    for (let i = terms.length - 1; i >= 0; i--) rest[i] = rest[i + 1] + terms[i].bound;
    const q = ++this.query;
    let touched = 0;
    let kth = -Infinity;
    let i = 0;
    for (; i < terms.length; i++) {
      const { idf, postings: p } = terms[i];
      // Finding the k-th score costs a pass over those touched: only worth it before a long list.
      if (touched >= k && p.count * 2 >= touched) {
        kth = this.kthScore(touched, k);
        if (kth > rest[i]) break;
        // The budget: past it, incidents that share only commoner words than these are not sought.
        if (touched + p.count > WALK_BUDGET) break;
      }
      for (let j = 0; j < p.count; j++) {
        const h = p.handles[j];
        if (!this.alive[h]) continue;
        const s = idf * bm25TfFactor(p.tfs[j], this.lengths[h], avg, params);
        if (this.stamp[h] !== q) {
          this.stamp[h] = q;
          this.acc[h] = s;
          this.touched[touched++] = h;
        } else {
          this.acc[h] += s;
        }
      }
    }
    let candidates = touched;
    if (i < terms.length) {
      // Only incidents that could still reach the k-th score go on; each remaining word is looked up
      // in their own sorted term lists.
      candidates = 0;
      for (let c = 0; c < touched; c++) if (this.acc[this.touched[c]] + rest[i] >= kth) this.touched[candidates++] = this.touched[c];
      for (; i < terms.length; i++) {
        const { id, idf } = terms[i];
        let kept = 0;
        for (let c = 0; c < candidates; c++) {
          const h = this.touched[c];
          const tf = termFrequency(this.features[h], id);
          if (tf > 0) this.acc[h] += idf * bm25TfFactor(tf, this.lengths[h], avg, params);
          if (this.acc[h] + rest[i + 1] >= kth) this.touched[kept++] = h;
        }
        candidates = kept;
      }
    }
    // Top k, best first; an equal score keeps the one found first.
    const top: number[] = [];
    for (let c = 0; c < candidates; c++) {
      const h = this.touched[c];
      const s = this.acc[h];
      if (top.length === k && s <= this.acc[top[k - 1]]) continue;
      if (this.ids[h] === excludeId) continue;
      let j = top.length < k ? top.length : k - 1;
      if (top.length < k) top.push(h);
      while (j > 0 && this.acc[top[j - 1]] < s) {
        top[j] = top[j - 1];
        j--;
      }
      top[j] = h;
    }
    return top.map((h) => ({ id: this.ids[h], score: this.acc[h] }));
  }

  /** The k-th highest score among the first `touched` handles (a lower bound of the final k-th). */
  private kthScore(touched: number, k: number): number {
    const top = new TopK(k);
    for (let c = 0; c < touched; c++) {
      const s = this.acc[this.touched[c]];
      if (s > top.floor) top.push(c, s);
    }
    return top.floor;
  }

  private growHandles(need: number): void {
    const size = Math.max(need, this.alive.length * 2);
    const grow = <T extends Float64Array | Uint8Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const b = make(size);
      b.set(a);
      return b;
    };
    this.lengths = grow(this.lengths, (s) => new Float64Array(s));
    this.alive = grow(this.alive, (s) => new Uint8Array(s));
    this.acc = grow(this.acc, (s) => new Float64Array(s));
    this.stamp = grow(this.stamp, (s) => new Int32Array(s));
    this.touched = grow(this.touched, (s) => new Int32Array(s));
  }
}

/** Occurrences of a term in an incident, by binary search of its sorted term ids. */
function termFrequency(f: IncidentFeatures, termId: number): number {
  const ids = f.termIds;
  let lo = 0;
  let hi = ids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = ids[mid];
    if (t === termId) return f.tfs[mid];
    if (t < termId) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

function dot(a: Float32Array, b: Float32Array | null | undefined): number {
  if (!b) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
