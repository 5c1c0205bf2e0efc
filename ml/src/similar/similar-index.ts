import { Bm25Index, type Bm25FieldOptions } from "./bm25-index";
import { IvfIndex } from "./ivf-index";
import { LsaEmbedder, retrievalFields, retrievalTerms, type EmbedderText } from "./lsa-embedder";
import { DEFAULT_FUSION, fuseHits, fuseWithRecency, type Candidate, type FusionOptions } from "./fusion";
import { collapseDuplicateGroups } from "./duplicate-groups";
import { bm25Idf } from "../text/bm25";
import { EMAIL_TOKEN, HEX_TOKEN, NUM_TOKEN, URL_TOKEN } from "../text/normalize";

export interface IndexedIncident extends EmbedderText {
  id: string;
  service?: string | null;
  createdAt?: Date | null;
}

export interface SimilarQuery extends EmbedderText {
  service?: string | null;
}

export interface SimilarSearchOptions {
  k?: number;
  /** Only incidents created strictly before this time (incidents without a date are kept). */
  before?: Date;
  excludeId?: string;
  /** Only incidents this accepts (e.g. recurrence clustering: only those already assigned). */
  filter?: (id: string) => boolean;
  /** When the query was raised, for the fusion's recency bonus; default `before`, else now. */
  queryTime?: Date;
  /**
   * Duplicate-of links known when the query is asked (id -> the incident it duplicates). Given,
   * each known duplicate group is listed once, as its original, at its best member's rank
   * (collapseDuplicateGroups). Similar-incident search only; recurrence never passes it.
   */
  originalOf?: (id: string) => string | null | undefined;
  /**
   * How this reader fuses the evidence (default the index's `fusion`): one index serves readers
   * that weigh it differently (similar-incident search its learned weights, recurrence the default).
   */
  fusion?: FusionOptions;
}

export interface SimilarHit {
  id: string;
  score: number;
  denseScore: number;
  bm25Score: number;
  /** BM25 over the query's best BM25 score, as the fusion weighs it (kept with verdicts to learn the weights). */
  bm25Relative: number;
  reasons: { sharedTerms: string[]; sameService: boolean };
  /**
   * Set when this original is listed for a known duplicate of it that matched the query: that
   * duplicate's id. Score, denseScore and the BM25 figures are then that duplicate's (they ranked it).
   */
  viaDuplicate?: string;
}

/** A fused candidate; `via` is the known duplicate that ranked it, when it stands in as that duplicate's original. */
interface RankedCandidate {
  id: string;
  c: Candidate;
  score: number;
  via: string | undefined;
}

export interface SimilarIndexOptions {
  /** Fusion of searches that name none (SimilarSearchOptions.fusion); default DEFAULT_FUSION. */
  fusion?: Partial<FusionOptions>;
  /** Candidates taken from each retriever before fusion (default 100). */
  candidates?: number;
  /** An ANN index to fill (e.g. IvfIndex.fromState of stored centroids); default a new one. */
  ann?: IvfIndex;
  /** Times title words count in the BM25 index (default DEFAULT_BM25_TITLE_WEIGHT). */
  bm25TitleWeight?: number;
  /**
   * BM25F over two fields, title and description (weights and normalisation as in
   * Bm25FieldOptions), instead of one field with the title repeated. Absent: the one-field index,
   * which recurrence clustering needs (its pair scorer recomputes BM25 from the index's statistics).
   */
  bm25Fields?: Bm25FieldOptions;
}

/**
 * Title repetitions in BM25 (a poor man's BM25F). On the 41 SeaMonkey TRAIN duplicates (TEST
 * unseen), BM25 alone MRR 0.563 / 0.589 / 0.613 / 0.616 / 0.593 / 0.577 at 1 / 2 / 3 / 4 / 6 / 8.
 */
export const DEFAULT_BM25_TITLE_WEIGHT = 4;

const MARKER_TOKENS = new Set([URL_TOKEN, EMAIL_TOKEN, HEX_TOKEN, NUM_TOKEN]);
const MAX_SHARED_TERMS = 8;

/**
 * Similar past incidents: LSA vectors in an ANN index and a BM25 index over the same incidents,
 * fused. Each hit says why: the terms it shares with the query (rarest first) and whether it is on
 * the same service.
 */
export class SimilarIncidentIndex {
  readonly ann: IvfIndex;
  readonly bm25: Bm25Index;
  /** Fusion of searches that name none of their own. */
  readonly fusion: FusionOptions;
  /** Candidates taken from each retriever before fusion (recurrence clustering ranks as deep). */
  readonly candidates: number;
  readonly bm25TitleWeight: number;
  private readonly meta = new Map<string, { service: string; createdAt: number | null }>();

  constructor(
    readonly embedder: LsaEmbedder,
    opts: SimilarIndexOptions = {},
  ) {
    this.ann = opts.ann ?? new IvfIndex(embedder.dim);
    this.fusion = { ...DEFAULT_FUSION, ...opts.fusion };
    this.candidates = opts.candidates ?? 100;
    this.bm25TitleWeight = opts.bm25TitleWeight ?? DEFAULT_BM25_TITLE_WEIGHT;
    if (opts.bm25Fields && opts.bm25Fields.weights.length !== 2) throw new Error("bm25Fields needs two weights: title, description");
    this.bm25 = opts.bm25Fields ? new Bm25Index(undefined, opts.bm25Fields) : new Bm25Index();
  }

  /** Whether BM25 is fielded (BM25F); recurrence clustering needs the one-field index. */
  get fielded(): boolean {
    return this.bm25.fields.weights.length > 1;
  }

  private addToBm25(incident: IndexedIncident): void {
    if (this.fielded) {
      const { title, description } = retrievalFields(incident);
      this.bm25.addFields(incident.id, [title, description]);
    } else this.bm25.add(incident.id, retrievalTerms(incident, this.bm25TitleWeight));
  }

  get size(): number {
    return this.meta.size;
  }

  add(incident: IndexedIncident): Float32Array {
    const vector = this.embedder.embed([incident])[0];
    this.addWithVector(incident, vector);
    return vector;
  }

  /** Adds with a stored embedding: how a worker rebuilds at start without re-embedding. */
  addWithVector(incident: IndexedIncident, vector: Float32Array): void {
    this.ann.add(incident.id, vector);
    this.addToBm25(incident);
    this.meta.set(incident.id, {
      service: normService(incident.service),
      createdAt: incident.createdAt ? incident.createdAt.getTime() : null,
    });
  }

  /**
   * Bulk form of addWithVector for a worker's start: the ANN cells of all vectors are found with
   * one TF.js product instead of one centroid scan per incident (1M: ~30 s instead of ~6 min).
   */
  async addManyWithVectors(incidents: readonly IndexedIncident[], vectors: readonly Float32Array[]): Promise<void> {
    const dim = this.ann.dim;
    const flat = new Float32Array(incidents.length * dim);
    vectors.forEach((v, i) => flat.set(v, i * dim));
    await this.ann.addMany(
      incidents.map((x) => x.id),
      flat,
    );
    for (const incident of incidents) {
      this.addToBm25(incident);
      this.meta.set(incident.id, {
        service: normService(incident.service),
        createdAt: incident.createdAt ? incident.createdAt.getTime() : null,
      });
    }
  }

  /**
   * Trains the ANN cells once the flat (exact) list has grown past `minVectors`; until then exact
   * search is fast enough. Async and explicit so a worker can run it off the request path.
   */
  async optimize(minVectors = 20_000): Promise<boolean> {
    if (this.ann.trained || this.ann.size < minVectors) return false;
    await this.ann.train();
    return true;
  }

  remove(id: string): boolean {
    this.ann.remove(id);
    this.bm25.remove(id);
    return this.meta.delete(id);
  }

  search(query: SimilarQuery, opts: SimilarSearchOptions = {}): SimilarHit[] {
    const ranked = this.rank(query, opts);
    return ranked.present(opts.originalOf ? ranked.collapse(opts.originalOf) : ranked.fused, opts.k ?? 10);
  }

  /**
   * `search` with the duplicate-of links read for the candidates it ranked (e.g. from the database,
   * so a link made a minute ago counts): one ranking, then `linksOf` for those ids, then the collapse.
   */
  async searchWithLinks(
    query: SimilarQuery,
    opts: Omit<SimilarSearchOptions, "originalOf">,
    linksOf: (candidateIds: string[]) => Promise<(id: string) => string | null | undefined>,
  ): Promise<SimilarHit[]> {
    const ranked = this.rank(query, opts);
    const originalOf = await linksOf(ranked.fused.map((x) => x.id));
    return ranked.present(ranked.collapse(originalOf), opts.k ?? 10);
  }

  /** Fused candidates best first, and how to collapse known duplicate groups and present the top k. */
  private rank(query: SimilarQuery, opts: SimilarSearchOptions) {
    const k = opts.k ?? 10;
    const before = opts.before?.getTime();
    const filter = (id: string) => {
      if (id === opts.excludeId) return false;
      if (opts.filter && !opts.filter(id)) return false;
      const created = this.meta.get(id)?.createdAt;
      return before === undefined || created === null || created === undefined || created < before;
    };
    const qTerms = retrievalTerms(query, this.bm25TitleWeight);
    const qVec = this.embedder.embed([query])[0];
    const n = Math.max(this.candidates, k);
    const dense = this.ann.search(qVec, n, { filter });
    const lexical = this.bm25.search(qTerms, n, filter);
    const maxBm25 = lexical.length ? lexical[0].score : 0;
    const qService = normService(query.service);
    const qSet = new Set(qTerms);
    const queryTime = (opts.queryTime ?? opts.before)?.getTime() ?? Date.now();
    const fusion = opts.fusion ?? this.fusion;
    const ageDays = (id: string) => {
      const created = this.meta.get(id)?.createdAt;
      return created === null || created === undefined ? NaN : (queryTime - created) / 86_400_000;
    };
    const fused: RankedCandidate[] = fuseHits(
      dense,
      lexical,
      (id) => dot(qVec, this.ann.getVector(id)),
      (c, best) => fuseWithRecency(c, best, fusion, ageDays(c.id)),
    ).map((x) => ({ ...x, id: x.c.id, via: undefined }));
    const inPool = (id: string) => this.meta.has(id) && filter(id);
    return {
      fused,
      // The original is listed on its member's evidence (score, cosine, BM25): that is what ranked
      // it, and what a verdict on it should teach the fusion weights (learnFusionFromFeedback).
      collapse: (originalOf: (id: string) => string | null | undefined): RankedCandidate[] =>
        collapseDuplicateGroups(fused, originalOf, inPool, (id, member) => ({ id, c: { ...member.c, id }, score: member.score, via: member.c.id })),
      present: (list: RankedCandidate[], top: number): SimilarHit[] =>
        list.slice(0, top).map(({ c, score, via }) => ({
          id: c.id,
          score,
          denseScore: c.dense,
          bm25Score: c.bm25,
          bm25Relative: maxBm25 > 0 ? c.bm25 / maxBm25 : 0,
          reasons: {
            sharedTerms: this.sharedTerms(qSet, c.id),
            sameService: qService !== "" && this.meta.get(c.id)?.service === qService,
          },
          ...(via ? { viaDuplicate: via } : {}),
        })),
    };
  }


  private sharedTerms(query: Set<string>, id: string): string[] {
    const n = this.bm25.size;
    return this.bm25
      .termsOfId(id)
      .filter((t) => query.has(t) && !MARKER_TOKENS.has(t))
      .map((t) => ({ t, idf: bm25Idf(this.bm25.documentFrequency(t), n) }))
      .sort((a, b) => b.idf - a.idf || (a.t < b.t ? -1 : 1))
      .slice(0, MAX_SHARED_TERMS)
      .map((x) => x.t);
  }
}

function normService(s: string | null | undefined): string {
  return (s ?? "").trim().toLowerCase();
}

function dot(a: Float32Array, b: Float32Array | undefined): number {
  if (!b) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
