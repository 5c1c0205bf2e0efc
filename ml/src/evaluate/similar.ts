import type { IncidentRow } from "../data/incidents";
import { LEGACY_TITLE_WEIGHT, LsaEmbedder, retrievalTerms } from "../similar/lsa-embedder";
import { SimilarIncidentIndex } from "../similar/similar-index";
import { Bm25Index, type Bm25FieldOptions } from "../similar/bm25-index";
import { visitInArrivalOrder } from "../similar/arrival-order";
import type { VectorHit } from "../similar/ivf-index";
import { SIMILAR_INCIDENT_FUSION, type FusionOptions } from "../similar/fusion";
import type { EvalProgress } from "./classification";

export interface SimilarReport {
  task: "similar";
  queries: number;
  rr_at_1: number;
  rr_at_5: number;
  rr_at_10: number;
  rr_at_20: number;
  mrr: number;
  baselines: {
    /** rr_at_1/5/20 were added later; rr_at_10 and mrr are the original shape. */
    bm25: { rr_at_10: number; mrr: number; rr_at_1?: number; rr_at_5?: number; rr_at_20?: number };
    /** The LSA vectors alone, to show what fusion adds. */
    dense_only: { rr_at_10: number; mrr: number; rr_at_1?: number; rr_at_5?: number; rr_at_20?: number };
  };
  /** Queries whose duplicate_of row is not among their candidates; counted as misses above. */
  queries_target_not_candidate: number;
  fusion: FusionOptions;
  /** Queries (newest 20 % of TRAIN) the fusion weight was tuned on; 0 = default weight kept. */
  fusion_tuned_on_train_queries: number;
  /** Whether the fused ranking listed known duplicate groups (links resolved before each query) once, as their original. */
  collapsed_known_duplicates?: boolean;
}

/** Ranks beyond this are not retrieved; MRR is therefore MRR@100 (a miss adds at most 0.01). */
const RANK_DEPTH = 100;
const MIN_TUNING_QUERIES = 10;
const MIN_TUNING_GAIN = 0.02;

interface Query {
  row: IncidentRow;
  target: string;
}

/**
 * Duplicate retrieval as in Zhang et al. (TOSEM 2023): every TEST row with a duplicate_of is a
 * query; its candidates are all rows of TRAIN and TEST created strictly before it, itself excluded.
 * Rows without created_at count as earlier than everything; a query without created_at sees all
 * other rows. A query whose duplicate_of row is missing or not earlier can never be found: it is
 * counted as a miss (the honest choice) and reported in queries_target_not_candidate.
 * The LSA embedder is fitted on TRAIN text only; BM25's statistics come from each query's own
 * candidate pool (rankDuplicates); the fusion weight is tuned inside TRAIN (see below).
 */
export async function evaluateSimilar(
  trainRows: readonly IncidentRow[],
  testRows: readonly IncidentRow[],
  onProgress?: (p: EvalProgress) => void,
  opts: { fusion?: Partial<FusionOptions>; dim?: number; titleWeight?: number; bm25TitleWeight?: number } = {},
): Promise<SimilarReport> {
  onProgress?.({ percent: 0, stage: "embedding" });
  const embedder = await LsaEmbedder.fit(trainRows, { seed: 7, dim: opts.dim, titleWeight: opts.titleWeight });
  const all = dedupe([...trainRows, ...testRows]);
  const byId = new Map(all.map((r) => [r.id, r]));
  onProgress?.({ percent: 40, stage: "tuning fusion" });

  // The fusion weight is tuned the way the test is run, inside TRAIN: an embedder fitted on the
  // older 80 % of TRAIN, queries from its newest 20 %. Tuning on queries the embedder was fitted on
  // would flatter the dense side and over-weight it.
  const inner = timeSplit(trainRows);
  const innerQueries = queriesOf(inner.newer);
  let fusion: Partial<FusionOptions> = opts.fusion ?? {};
  const tune = !opts.fusion && innerQueries.length >= MIN_TUNING_QUERIES;
  if (tune) {
    const innerEmbedder = await LsaEmbedder.fit(inner.older, { seed: 7, dim: opts.dim, titleWeight: opts.titleWeight });
    const objective = (w: number) => {
      const ranked = rankDuplicates(innerEmbedder, trainRows, innerQueries.map((q) => q.row), { fusion: { denseWeight: w }, bm25TitleWeight: opts.bm25TitleWeight });
      const m = score(innerQueries, ranked, "fused", byId);
      return (m.mrr + m.rr[10]) / 2;
    };
    // Few queries make a noisy curve: leave the default (the prior) only for a clear gain.
    const prior = SIMILAR_INCIDENT_FUSION.denseWeight;
    let best = objective(prior) + MIN_TUNING_GAIN;
    fusion = { denseWeight: prior };
    for (const w of [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].filter((x) => x !== prior)) {
      const o = objective(w);
      if (o > best) {
        best = o;
        fusion = { denseWeight: w };
      }
    }
  }
  onProgress?.({ percent: 60, stage: "ranking" });
  const queries = queriesOf(testRows);
  const ranked = rankDuplicates(embedder, all, queries.map((q) => q.row), { fusion, bm25TitleWeight: opts.bm25TitleWeight });
  const fused = score(queries, ranked, "fused", byId);
  const lexical = score(queries, ranked, "bm25", byId);
  const dense = score(queries, ranked, "dense", byId);
  onProgress?.({ percent: 100, stage: "done" });
  return {
    task: "similar",
    queries: queries.length,
    rr_at_1: fused.rr[1],
    rr_at_5: fused.rr[5],
    rr_at_10: fused.rr[10],
    rr_at_20: fused.rr[20],
    mrr: fused.mrr,
    baselines: {
      bm25: { rr_at_10: lexical.rr[10], mrr: lexical.mrr, rr_at_1: lexical.rr[1], rr_at_5: lexical.rr[5], rr_at_20: lexical.rr[20] },
      dense_only: { rr_at_10: dense.rr[10], mrr: dense.mrr, rr_at_1: dense.rr[1], rr_at_5: dense.rr[5], rr_at_20: dense.rr[20] },
    },
    queries_target_not_candidate: queries.filter((q) => !isCandidate(q.row, byId.get(q.target))).length,
    fusion: { ...SIMILAR_INCIDENT_FUSION, ...fusion },
    fusion_tuned_on_train_queries: tune ? innerQueries.length : 0,
    collapsed_known_duplicates: DEFAULT_COLLAPSE_KNOWN_DUPLICATES,
  };
}

/** What each system ranked first for one query (up to RANK_DEPTH hits, best first). */
export interface QueryRanking {
  id: string;
  fused: VectorHit[];
  /** The baseline: plain BM25 on title (twice) and description, whatever the fused system uses. */
  bm25: VectorHit[];
  /** The LSA vectors alone, exact search. */
  dense: VectorHit[];
}

/**
 * Ranks each query against its candidate pool only (rows created strictly before it, itself
 * excluded): the indexes grow in arrival order, so BM25's statistics never include a row the
 * query could not have seen (see visitInArrivalOrder). Appending later rows changes no earlier
 * query's ranking; the unit test pins that.
 */
export function rankDuplicates(
  embedder: LsaEmbedder,
  rows: readonly IncidentRow[],
  queries: readonly IncidentRow[],
  opts: { fusion?: Partial<FusionOptions>; bm25TitleWeight?: number; bm25Fields?: Bm25FieldOptions; collapseKnownDuplicates?: boolean } = {},
): Map<string, QueryRanking> {
  const rowById = new Map(rows.map((r) => [r.id, r]));
  const collapse = opts.collapseKnownDuplicates ?? DEFAULT_COLLAPSE_KNOWN_DUPLICATES;
  const index = new SimilarIncidentIndex(embedder, { fusion: { ...SIMILAR_INCIDENT_FUSION, ...opts.fusion }, candidates: RANK_DEPTH, bm25TitleWeight: opts.bm25TitleWeight, bm25Fields: opts.bm25Fields });
  const baseline = new Bm25Index();
  const vectors = new Map<string, Float32Array>();
  const vectorOf = (r: IncidentRow) => {
    let v = vectors.get(r.id);
    if (!v) vectors.set(r.id, (v = embedder.embed([r])[0]));
    return v;
  };
  const out = new Map<string, QueryRanking>();
  visitInArrivalOrder(
    dedupe([...rows]),
    queries,
    {
      add: (r) => {
        index.addWithVector(r, vectorOf(r));
        baseline.add(r.id, retrievalTerms(r, LEGACY_TITLE_WEIGHT));
      },
      remove: (id) => {
        index.remove(id);
        baseline.remove(id);
      },
    },
    (q) => {
      const notSelf = (id: string) => id !== q.id;
      out.set(q.id, {
        id: q.id,
        fused: index.search(q, { k: RANK_DEPTH, excludeId: q.id, queryTime: q.createdAt ?? undefined, originalOf: collapse ? knownDuplicateLinks(q, rowById) : undefined }).map((h) => ({ id: h.id, score: h.score })),
        bm25: baseline.search(retrievalTerms(q, LEGACY_TITLE_WEIGHT), RANK_DEPTH, notSelf),
        dense: index.ann.exactSearch(vectorOf(q), RANK_DEPTH, notSelf),
      });
    },
  );
  return out;
}

/**
 * Similar-incident search lists a known duplicate group once, as its original (see
 * collapseDuplicateGroups). Chosen on SeaMonkey TRAIN only (`node bench/dist/ml-tune-similar.js
 * bm25f`, its 41 duplicates, LSA refitted before each query): see ml/README.md.
 */
export const DEFAULT_COLLAPSE_KNOWN_DUPLICATES = true;

/**
 * The duplicate-of links a query could have known: a candidate's link counts only when that
 * candidate was resolved (closed as a duplicate) before the query was created. Without dates on
 * both sides no link is used: a label set later must not help rank an earlier query.
 */
export function knownDuplicateLinks(q: IncidentRow, rowById: Map<string, IncidentRow>): (id: string) => string | undefined {
  const asked = q.createdAt?.getTime();
  return (id) => {
    const r = rowById.get(id);
    if (!r?.duplicateOf || asked === undefined || !r.resolvedAt || !(r.resolvedAt.getTime() < asked)) return undefined;
    return r.duplicateOf;
  };
}

/** Older 80 % and newest 20 % by created_at; rows without a date count as oldest. */
function timeSplit(rows: readonly IncidentRow[]): { older: IncidentRow[]; newer: IncidentRow[] } {
  const sorted = [...rows].sort((a, b) => (a.createdAt?.getTime() ?? -Infinity) - (b.createdAt?.getTime() ?? -Infinity));
  const cut = Math.floor(sorted.length * 0.8);
  return { older: sorted.slice(0, cut), newer: sorted.slice(cut) };
}

function dedupe(rows: IncidentRow[]): IncidentRow[] {
  const seen = new Map<string, IncidentRow>();
  for (const r of rows) if (!seen.has(r.id)) seen.set(r.id, r);
  return [...seen.values()];
}

function queriesOf(rows: readonly IncidentRow[]): Query[] {
  return rows.filter((r) => r.duplicateOf).map((row) => ({ row, target: row.duplicateOf! }));
}

function isCandidate(query: IncidentRow, cand: IncidentRow | undefined): boolean {
  if (!cand || cand.id === query.id) return false;
  if (!query.createdAt || !cand.createdAt) return true;
  return cand.createdAt < query.createdAt;
}

function score(queries: readonly Query[], ranked: Map<string, QueryRanking>, system: "fused" | "bm25" | "dense", byId: Map<string, IncidentRow>) {
  const rr: Record<number, number> = { 1: 0, 5: 0, 10: 0, 20: 0 };
  let mrr = 0;
  for (const q of queries) {
    if (!isCandidate(q.row, byId.get(q.target))) continue; // a miss at every k
    const pos = (ranked.get(q.row.id)?.[system] ?? []).findIndex((h) => h.id === q.target);
    if (pos < 0) continue;
    for (const k of [1, 5, 10, 20]) if (pos < k) rr[k]++;
    mrr += 1 / (pos + 1);
  }
  const n = queries.length || 1;
  return { rr: { 1: rr[1] / n, 5: rr[5] / n, 10: rr[10] / n, 20: rr[20] / n } as Record<number, number>, mrr: mrr / n };
}
