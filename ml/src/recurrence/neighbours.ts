import { fuse, fuseHits } from "../similar/fusion";
import type { VectorHit } from "../similar/ivf-index";
import type { SimilarIncidentIndex } from "../similar/similar-index";
import { TopK } from "../similar/topk";
import { bm25TfFactor } from "../text/bm25";
import type { IncidentFeatures, PairScorer } from "./features";

/**
 * Incidents a BM25 lookup gathers (checked before each long list) before it stops seeking new ones
 * by the commoner words (about 20 query words with their lists of up to n incidents each otherwise
 * make every lookup O(n)).
 */
const WALK_BUDGET = 4_096;

/**
 * A remaining word's score goes to the incidents in the running by walking its postings when
 * they are at most this many times as many as the running (a cheap step each), else by a binary
 * search of each one's term list (several steps, each a likely branch miss).
 */
const WALK_OVER_SEARCH = 4;

interface QueryTerm {
  id: number;
  idf: number;
  postings: Postings;
  /** Most this term can add to any incident's score. */
  bound: number;
}

interface Postings {
  handles: Int32Array;
  tfs: Uint16Array;
  /**
   * bm25TfFactor of each posting under the mean length `factorsAvg` (a rebuild's is fixed, so each
   * factor is computed once, not once per lookup that walks it); recomputed when the mean moved.
   */
  factors: Float64Array;
  factorsAvg: number;
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
  /** Handles unassigned so far (none in a rebuild: the walk then skips the liveness test). */
  private tombstones = 0;
  private lengths = new Float64Array(1024);
  private alive = new Uint8Array(1024);
  private readonly postings: Array<Postings | undefined> = [];
  /** Score accumulator per handle and the query that last touched it (no clearing between queries). */
  private acc = new Float64Array(1024);
  private stamp = new Int32Array(1024);
  private touched = new Int32Array(1024);
  private query = 0;
  /** Reused to find the k-th best score. */
  private kth = new TopK(0);

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
    const { averageLength: avg, params } = this.index.bm25;
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
      if (!p) this.postings[t] = p = { handles: new Int32Array(4), tfs: new Uint16Array(4), factors: new Float64Array(4), factorsAvg: NaN, count: 0, maxTf: 0 };
      if (p.count === p.handles.length) {
        const handles = new Int32Array(p.count * 2);
        handles.set(p.handles);
        const tfs = new Uint16Array(p.count * 2);
        tfs.set(p.tfs);
        const factors = new Float64Array(p.count * 2);
        factors.set(p.factors);
        p.handles = handles;
        p.tfs = tfs;
        p.factors = factors;
      }
      p.handles[p.count] = h;
      p.tfs[p.count] = f.tfs[i];
      if (p.factorsAvg === avg) p.factors[p.count] = bm25TfFactor(f.tfs[i], f.length, avg, params);
      p.maxTf = Math.max(p.maxTf, f.tfs[i]);
      p.count++;
    }
  }

  /** Unassigned (deleted, or about to be reassigned): its postings stay as tombstones. */
  remove(id: string): void {
    const h = this.handleOf.get(id);
    if (h === undefined) return;
    this.alive[h] = 0;
    this.tombstones++;
    this.handleOf.delete(id);
  }

  /**
   * Ids of the `k` assigned incidents that similar-incident search would rank first for `x`:
   * top `depth` by ANN and top `depth` by BM25, fused, best first (ties by id). `qVec` is x's
   * vector; `dense`, when given, is its ANN top `depth` among the assigned, found ahead (a rebuild's
   * OrderedDenseSearch), else the index's ANN search finds it now.
   */
  nearest(x: IncidentFeatures, qVec: Float32Array, k: number, depth: number, dense?: readonly VectorHit[]): string[] {
    const n = Math.max(depth, k);
    dense ??= this.index.ann.search(qVec, n, { filter: (id) => id !== x.id && this.handleOf.has(id) });
    const lexical = this.bm25(x.queryTermIds, n, x.id);
    return fuseHits(
      dense,
      lexical,
      (id) => dot(qVec, this.features[this.handleOf.get(id)!].vector),
      (c, maxBm25) => fuse(c, maxBm25, this.scorer.fusion),
    )
      .slice(0, k)
      .map((h) => h.c.id);
  }

  /**
   * BM25 top `k` among assigned incidents, with Bm25Index.search's scores (its formula, document
   * frequencies and mean length) but MaxScore pruning (Turtle & Flood 1995): query words are taken
   * rarest first, and once the k-th best score so far beats the most the remaining (common) words
   * could still add, no incident they alone would bring can enter the top k: the walk stops seeking
   * new incidents, and those in the running get the remaining words' scores, each word from its
   * postings when they are short beside the running, else from the incidents' own term lists. The
   * running shrinks after each word to those whose score plus the rest's bound still reaches the
   * k-th best partial score (itself rising). That is exact: each score adds its terms in the same
   * order whatever the path. When the bound is not reached by WALK_BUDGET incidents gathered, the walk
   * stops all the same: an incident sharing only the query's commonest words is then not sought
   * (the words that recurrences share are the rare ones). Lists shorter than half the running are
   * walked without that check, so a lookup still costs more in a longer history, but far less than
   * n per word (synthetic, ~25 words a query: ~5.6k postings walked at 20k incidents, ~14k at 50k).
   */
  private bm25(queryTermIds: Int32Array, k: number, excludeId: string): Array<{ id: string; score: number }> {
    const bm = this.index.bm25;
    const nDocs = bm.size;
    if (nDocs === 0 || k <= 0) return [];
    const avg = bm.averageLength;
    const params = bm.params;
    const terms: QueryTerm[] = [];
    for (const id of queryTermIds) {
      const postings = this.postings[id];
      const idf = this.scorer.idf(id); // 0 when no indexed incident has the word
      if (!postings || idf === 0) continue;
      terms.push({ id, idf, postings, bound: idf * bm25TfFactor(postings.maxTf, this.minLength, avg, params) });
    }
    terms.sort((a, b) => b.bound - a.bound || a.postings.count - b.postings.count);
    const rest = new Float64Array(terms.length + 1);
    for (let i = terms.length - 1; i >= 0; i--) rest[i] = rest[i + 1] + terms[i].bound;
    const q = ++this.query;
    const excluded = this.handleOf.get(excludeId) ?? -1;
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
      if (p.factorsAvg !== avg) this.refreshFactors(p, avg);
      const factors = p.factors;
      const handles = p.handles;
      const checkAlive = this.tombstones > 0;
      for (let j = 0; j < p.count; j++) {
        const h = handles[j];
        if (checkAlive && !this.alive[h]) continue;
        const s = idf * factors[j];
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
      // The running: stamp -q marks those still in it (walked postings of the rest skip the others).
      candidates = 0;
      for (let c = 0; c < touched; c++) {
        const h = this.touched[c];
        if (this.acc[h] + rest[i] >= kth) {
          this.touched[candidates++] = h;
          this.stamp[h] = -q;
        }
      }
      for (; i < terms.length && candidates > 0; i++) {
        const { id, idf, postings: p } = terms[i];
        if (p.count <= candidates * WALK_OVER_SEARCH) {
          if (p.factorsAvg !== avg) this.refreshFactors(p, avg);
          const factors = p.factors;
          for (let j = 0; j < p.count; j++) {
            if (this.stamp[p.handles[j]] === -q) this.acc[p.handles[j]] += idf * factors[j];
          }
        } else {
          for (let c = 0; c < candidates; c++) {
            const h = this.touched[c];
            const tf = termFrequency(this.features[h], id);
            if (tf > 0) this.acc[h] += idf * bm25TfFactor(tf, this.lengths[h], avg, params);
          }
        }
        if (candidates > k) kth = Math.max(kth, this.kthScore(candidates, k));
        let kept = 0;
        for (let c = 0; c < candidates; c++) {
          const h = this.touched[c];
          if (this.acc[h] + rest[i + 1] >= kth) this.touched[kept++] = h;
          else this.stamp[h] = q;
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
      if (h === excluded) continue;
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

  private refreshFactors(p: Postings, avg: number): void {
    const params = this.index.bm25.params;
    for (let j = 0; j < p.count; j++) p.factors[j] = bm25TfFactor(p.tfs[j], this.lengths[p.handles[j]], avg, params);
    p.factorsAvg = avg;
  }

  /** The k-th highest score among the first `touched` handles (a lower bound of the final k-th). */
  private kthScore(touched: number, k: number): number {
    const top = this.kth.k === k ? this.kth : (this.kth = new TopK(k));
    top.size = 0;
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
