/**
 * How dense (LSA) and lexical (BM25) evidence combine. "weighted" mixes the cosine with BM25
 * divided by the best BM25 score of the query (so both lie in [0, 1]); "rrf" is reciprocal rank
 * fusion (Cormack et al. 2009), which ignores score scales altogether.
 */
export interface FusionOptions {
  method: "weighted" | "rrf";
  /** Weight of the dense score in [0, 1]; BM25 gets 1 - denseWeight. */
  denseWeight: number;
  /** RRF constant (60 in the original paper). */
  rrfK: number;
  /** Weight of the recency bonus exp(-days from the candidate to the query / recencyDays); 0 = off. */
  recencyWeight?: number;
  /** Days over which the recency bonus falls to 1/e. */
  recencyDays?: number;
}

/**
 * Weighted fusion leaning to the dense side. On the 41 SeaMonkey TRAIN duplicates (TEST unseen,
 * title weight 4 on both sides) weighted fusion scored MRR 0.630 / 0.657 / 0.688 / 0.693 / 0.701 at
 * dense weight 0.3 / 0.5 / 0.6 / 0.7 / 0.8 and RRF at most 0.681. The LSA there was fitted on text
 * that includes the queries, which flatters it, so the weight is held at 0.6, not 0.8.
 */
export const DEFAULT_FUSION: FusionOptions = { method: "weighted", denseWeight: 0.6, rrfK: 60 };

/**
 * Similar-incident search (the triage suggestion, its evaluation and the registry's holdout): the
 * fusion above plus a recency bonus, as duplicates tend to follow their original within weeks. Chosen
 * on TRAIN-internal validation only (`npm run bench:ml-tune-similar -- recency`: SeaMonkey TRAIN, LSA
 * fitted on its older half, the 16 duplicates of its newer half ranked against earlier TRAIN bugs):
 * MRR 0.474 / RR@10 0.688 without it; weight 0.2 over 60 / 180 / 365 days 0.553 / 0.563 / 0.556 and
 * 0.813 / 0.875 / 0.875; weight 0.1 over 60 / 365 days 0.520 / 0.500; weight 0.5 over 60 / 180 days
 * 0.568 / 0.523. 0.2 over 180 days is the middle of the plateau. Sixteen queries are few: read it as
 * "a recency prior helps", not as a tuned optimum.
 * Recurrence clustering keeps DEFAULT_FUSION (it has its own time evidence).
 */
export const SIMILAR_INCIDENT_FUSION: FusionOptions = { ...DEFAULT_FUSION, recencyWeight: 0.2, recencyDays: 180 };

/**
 * The fused score plus the recency bonus of a candidate created `ageDays` before the query. Only a
 * candidate with some textual evidence gets the bonus: recency ranks among related incidents, it
 * must never make an unrelated one (or anything, for an empty query) look similar.
 */
export function fuseWithRecency(c: Candidate, maxBm25: number, f: FusionOptions, ageDays: number): number {
  const base = fuse(c, maxBm25, f);
  const w = f.recencyWeight ?? 0;
  if (base <= 0 || w <= 0 || !Number.isFinite(ageDays)) return base;
  return base + w * Math.exp(-Math.max(ageDays, 0) / (f.recencyDays ?? 180));
}

/**
 * The dense and lexical hits of one query merged into candidates and ranked by `score` (given the
 * query's best BM25 score), best first, ties by id. A lexical hit that the dense side did not
 * return gets its cosine from `denseScoreOf`. One ranking for similar-incident search and for the
 * neighbour lookup of recurrence clustering, so the two cannot drift apart.
 */
export function fuseHits(
  dense: readonly ScoredId[],
  lexical: readonly ScoredId[],
  denseScoreOf: (id: string) => number,
  score: (c: Candidate, maxBm25: number) => number,
): Array<{ c: Candidate; score: number }> {
  const byId = new Map<string, Candidate>();
  dense.forEach((h, r) => byId.set(h.id, { id: h.id, dense: h.score, bm25: 0, denseRank: r + 1, bm25Rank: Infinity }));
  lexical.forEach((h, r) => {
    const c = byId.get(h.id);
    if (c) {
      c.bm25 = h.score;
      c.bm25Rank = r + 1;
    } else {
      byId.set(h.id, { id: h.id, dense: denseScoreOf(h.id), bm25: h.score, denseRank: Infinity, bm25Rank: r + 1 });
    }
  });
  const maxBm25 = lexical.length ? lexical[0].score : 0;
  const out: Array<{ c: Candidate; score: number }> = [];
  for (const c of byId.values()) out.push({ c, score: score(c, maxBm25) });
  return out.sort((a, b) => b.score - a.score || (a.c.id < b.c.id ? -1 : 1));
}

/** A retriever's hit: an incident id and its score. */
export interface ScoredId {
  id: string;
  score: number;
}

export interface Candidate {
  id: string;
  dense: number;
  bm25: number;
  denseRank: number;
  bm25Rank: number;
}

export function fuse(c: Candidate, maxBm25: number, f: FusionOptions): number {
  if (f.method === "rrf") {
    const d = Number.isFinite(c.denseRank) ? f.denseWeight / (f.rrfK + c.denseRank) : 0;
    const l = Number.isFinite(c.bm25Rank) ? (1 - f.denseWeight) / (f.rrfK + c.bm25Rank) : 0;
    return d + l;
  }
  return f.denseWeight * Math.max(c.dense, 0) + (1 - f.denseWeight) * (maxBm25 > 0 ? c.bm25 / maxBm25 : 0);
}
