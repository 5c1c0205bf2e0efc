import { retrievalTerms } from "../similar/lsa-embedder";
import type { SimilarIncidentIndex } from "../similar/similar-index";
import { DEFAULT_FUSION, type FusionOptions } from "../similar/fusion";
import { bm25Idf, bm25TfFactor } from "../text/bm25";

/** An incident as recurrence clustering sees it: its text and the evidence beside the text. */
export interface RecurrenceIncident {
  id: string;
  title: string;
  description?: string | null;
  service?: string | null;
  team?: string | null;
  /** When it was opened; incidents without a date get no time evidence. */
  createdAt: Date | null;
  /** When it was resolved; open incidents count as open until `now` in the evidence. */
  resolvedAt?: Date | null;
}

/** How much time and service add to the text similarity of two incidents. */
export interface EvidenceWeights {
  /** Added for two incidents opened at the same moment, decaying exponentially with the gap. */
  timeWeight: number;
  /** The gap (days) at which the time bonus has fallen to 1/e of timeWeight. */
  timeWindowDays: number;
  /** Added when both incidents name the same service. */
  serviceWeight: number;
  /**
   * Share of an incident's words the embedder must know for the dense side to count fully; below
   * it the dense weight shrinks in proportion (0 words known: BM25 alone).
   */
  fullDenseCoverage: number;
}

/** What the scorer keeps per incident: term ids and counts (sorted by id), not the text. */
export interface IncidentFeatures {
  id: string;
  /** The incident's LSA vector as the index holds it (a copy: the index may move its own). */
  vector: Float32Array | null;
  /** Share of its words (counted with repeats) the embedder knows: how much of the text its vector stands for. */
  coverage: number;
  termIds: Int32Array;
  tfs: Uint16Array;
  /** The same term ids in the order the text first uses them: the order a BM25 query takes its words. */
  queryTermIds: Int32Array;
  length: number;
  createdAt: number | null;
  resolvedAt: number | null;
  /** As written (for evidence); compared without case through serviceKey. */
  service: string;
  serviceKey: string;
  team: string;
  /**
   * Cache of the scorer: idf x tf factor of each term (by termIds' order) and their sum (BM25 of
   * the incident against itself), valid while the index has `weightsAtSize` incidents of mean
   * length `weightsAtAvg` (a rebuild never changes them, so each pair costs one merge).
   */
  weights: Float64Array | null;
  selfBm25: number;
  weightsAtSize: number;
  weightsAtAvg: number;
}

const DAY_MS = 86_400_000;

/**
 * Pair similarity on the similar-incident model itself: the fused score of similar-incident search
 * (dense LSA cosine weighted `fusion.denseWeight`, BM25 the rest), with BM25 divided by the query's
 * own score (the best score a query gets when it is itself indexed, which is how search
 * normalises it) and averaged over both directions so that the score is symmetric. Time and
 * service are added as evidence on top of the text.
 */
export class PairScorer {
  private readonly termIdOf = new Map<string, number>();
  private readonly termOfId: string[] = [];
  private readonly features = new Map<string, IncidentFeatures>();
  /** Idf per term id, valid while the BM25 index has the size in idfAtSize (a rebuild never changes it). */
  private idfCache = new Float64Array(1024);
  private idfAtSize = new Int32Array(1024).fill(-1);

  constructor(
    readonly index: SimilarIncidentIndex,
    readonly evidence: EvidenceWeights,
    /** The clusterer's fusion (not the index's: the index may serve readers that fuse otherwise). */
    readonly fusion: FusionOptions = DEFAULT_FUSION,
  ) {
    // Pair scores recompute BM25 from the index's statistics with one length per incident.
    if (index.fielded) throw new Error("recurrence needs a one-field BM25 index (no bm25Fields)");
  }

  has(id: string): boolean {
    return this.features.has(id);
  }

  get(id: string): IncidentFeatures | undefined {
    return this.features.get(id);
  }

  term(termId: number): string {
    return this.termOfId[termId];
  }

  /** The id of a term some incident had, else undefined. */
  termId(term: string): number | undefined {
    return this.termIdOf.get(term);
  }

  /** Keeps the features of an incident (replacing earlier ones: its text may have changed). */
  add(x: RecurrenceIncident): IncidentFeatures {
    const counts = new Map<number, number>();
    const terms = retrievalTerms(x, this.index.bm25TitleWeight);
    for (const t of terms) {
      let id = this.termIdOf.get(t);
      if (id === undefined) {
        id = this.termOfId.length;
        this.termIdOf.set(t, id);
        this.termOfId.push(t);
      }
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const vocab = this.index.embedder.tfidf.vocab;
    const known = terms.filter((t) => vocab.indexOf(t) !== undefined).length;
    const termIds = Int32Array.from(counts.keys()).sort();
    const f: IncidentFeatures = {
      id: x.id,
      vector: this.index.ann.getVector(x.id) ?? null,
      coverage: terms.length ? known / terms.length : 0,
      termIds,
      tfs: Uint16Array.from(termIds, (t) => Math.min(counts.get(t)!, 65_535)),
      queryTermIds: Int32Array.from(counts.keys()),
      length: terms.length,
      createdAt: x.createdAt ? x.createdAt.getTime() : null,
      resolvedAt: x.resolvedAt ? x.resolvedAt.getTime() : null,
      service: (x.service ?? "").trim(),
      serviceKey: (x.service ?? "").trim().toLowerCase(),
      team: (x.team ?? "").trim(),
      weights: null,
      selfBm25: 0,
      weightsAtSize: -1,
      weightsAtAvg: NaN,
    };
    this.features.set(x.id, f);
    return f;
  }

  remove(id: string): boolean {
    return this.features.delete(id);
  }

  /** BM25 idf of a term under the index's current document frequencies. */
  idf(termId: number): number {
    const n = this.index.bm25.size;
    if (termId >= this.idfAtSize.length) this.growIdfCache();
    if (this.idfAtSize[termId] !== n) {
      const df = this.index.bm25.documentFrequency(this.termOfId[termId]);
      this.idfCache[termId] = df === 0 ? 0 : bm25Idf(df, n);
      this.idfAtSize[termId] = n;
    }
    return this.idfCache[termId];
  }

  private growIdfCache(): void {
    const size = Math.max(this.termOfId.length, this.idfAtSize.length * 2);
    const idf = new Float64Array(size);
    idf.set(this.idfCache);
    const at = new Int32Array(size).fill(-1);
    at.set(this.idfAtSize);
    this.idfCache = idf;
    this.idfAtSize = at;
  }

  /**
   * Text similarity in [0, 1]: what similar-incident search would score, made symmetric. The dense
   * side counts only as far as the embedder knows the words of both incidents: a vector built from
   * the one or two words it knows (a new kind of incident since the last retraining, often just a
   * number marker) looks like any other such vector, and two unrelated incidents scored 0.6 on it.
   * With no known word, BM25 alone decides, so new kinds of incidents still group.
   */
  textSimilarity(a: IncidentFeatures, b: IncidentFeatures): number {
    const lexical = this.bm25Ratios(a, b);
    if (!a.vector || !b.vector) return lexical;
    const trust = Math.min(1, Math.min(a.coverage, b.coverage) / Math.max(this.evidence.fullDenseCoverage, 1e-9));
    const w = this.fusion.denseWeight * trust;
    return w * Math.max(dot(a.vector, b.vector), 0) + (1 - w) * lexical;
  }

  /** Time and service evidence (0 when neither applies). */
  evidenceBonus(a: IncidentFeatures, b: IncidentFeatures): number {
    let bonus = 0;
    if (a.createdAt !== null && b.createdAt !== null && this.evidence.timeWeight > 0) {
      const gapDays = Math.abs(a.createdAt - b.createdAt) / DAY_MS;
      bonus += this.evidence.timeWeight * Math.exp(-gapDays / this.evidence.timeWindowDays);
    }
    if (a.serviceKey && a.serviceKey === b.serviceKey) bonus += this.evidence.serviceWeight;
    return bonus;
  }

  similarity(a: IncidentFeatures, b: IncidentFeatures): number {
    return this.textSimilarity(a, b) + this.evidenceBonus(a, b);
  }

  /**
   * The mean of BM25 of `a` as a query against `b` over BM25 of `a` against itself (1 when b = a)
   * and the same from `b` to `a`. Both cross scores add the shared terms' weights in term id order
   * in one merge of the two term lists.
   */
  private bm25Ratios(a: IncidentFeatures, b: IncidentFeatures): number {
    const wa = this.weightsOf(a);
    const wb = this.weightsOf(b);
    const ta = a.termIds;
    const tb = b.termIds;
    let crossAB = 0;
    let crossBA = 0;
    let i = 0;
    let j = 0;
    while (i < ta.length && j < tb.length) {
      if (ta[i] < tb[j]) i++;
      else if (ta[i] > tb[j]) j++;
      else {
        crossAB += wb[j++];
        crossBA += wa[i++];
      }
    }
    const ab = a.selfBm25 > 0 ? Math.min(crossAB / a.selfBm25, 1) : 0;
    const ba = b.selfBm25 > 0 ? Math.min(crossBA / b.selfBm25, 1) : 0;
    return (ab + ba) / 2;
  }

  /** An incident's term weights under the index's current statistics (see IncidentFeatures.weights). */
  private weightsOf(f: IncidentFeatures): Float64Array {
    const { size, averageLength: avg, params } = this.index.bm25;
    if (f.weights && f.weightsAtSize === size && f.weightsAtAvg === avg) return f.weights;
    const w = f.weights ?? new Float64Array(f.termIds.length);
    let self = 0;
    for (let i = 0; i < f.termIds.length; i++) {
      const idf = this.idf(f.termIds[i]);
      w[i] = idf === 0 ? 0 : idf * bm25TfFactor(f.tfs[i], f.length, avg, params);
      self += w[i];
    }
    f.weights = w;
    f.selfBm25 = self;
    f.weightsAtSize = size;
    f.weightsAtAvg = avg;
    return w;
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
