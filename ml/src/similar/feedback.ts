import { fuseWithRecency, type FusionOptions } from "./fusion";

/** One similar incident a person judged: its evidence as it was shown, and the verdict. */
export interface JudgedCandidate {
  /** LSA cosine to the query. */
  dense: number;
  /** BM25 divided by the query's best BM25 score (what weighted fusion uses), in [0, 1]. */
  bm25Relative: number;
  /** Days from the candidate's creation to the query's. */
  ageDays: number;
  /** "Helpful" (true) or "not similar" (false). */
  helpful: boolean;
}

export interface FusionLearning {
  fusion: FusionOptions;
  /** Queries with at least one helpful and one not-similar verdict (the only ones that can teach an order). */
  queries: number;
  pairs: number;
  /** Share of (helpful, not similar) pairs the fusion orders rightly, before and after. */
  pairAccuracyBefore: number;
  pairAccuracyAfter: number;
  changed: boolean;
}

export interface FusionLearningOptions {
  /** Queries with both verdicts needed before feedback may move the weights (default 20). */
  minQueries?: number;
  /** Pair-accuracy gain needed to leave the current weights (default 0.02): few verdicts are noisy. */
  minGain?: number;
}

const DENSE_WEIGHTS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
const RECENCY_WEIGHTS = [0, 0.1, 0.2, 0.3, 0.5];

function score(c: JudgedCandidate, f: FusionOptions): number {
  return fuseWithRecency({ id: "", dense: c.dense, bm25: c.bm25Relative, denseRank: 1, bm25Rank: 1 }, 1, f, c.ageDays);
}

function pairAccuracy(judged: readonly JudgedCandidate[][], f: FusionOptions): { right: number; pairs: number } {
  let right = 0;
  let pairs = 0;
  for (const q of judged) {
    const scores = q.map((c) => score(c, f));
    q.forEach((a, i) => {
      if (!a.helpful) return;
      q.forEach((b, j) => {
        if (b.helpful) return;
        pairs++;
        if (scores[i] > scores[j]) right++;
        else if (scores[i] === scores[j]) right += 0.5;
      });
    });
  }
  return { right, pairs };
}

/**
 * Learns the fusion's dense and recency weights from "helpful / not similar" verdicts: the grid
 * point that orders the most (helpful, not similar) pairs of the same query rightly. A person's
 * "not similar" on a top hit is exactly the evidence that the weights over-trust one side. The
 * current weights stay unless there are enough judged queries and the gain is clear.
 */
export function learnFusionFromFeedback(
  judged: readonly JudgedCandidate[][],
  current: FusionOptions,
  opts: FusionLearningOptions = {},
): FusionLearning {
  const usable = judged.filter((q) => q.some((c) => c.helpful) && q.some((c) => !c.helpful));
  const base = pairAccuracy(usable, current);
  const acc = (x: { right: number; pairs: number }) => (x.pairs ? x.right / x.pairs : 0);
  const result: FusionLearning = { fusion: current, queries: usable.length, pairs: base.pairs, pairAccuracyBefore: acc(base), pairAccuracyAfter: acc(base), changed: false };
  if (current.method !== "weighted" || usable.length < (opts.minQueries ?? 20)) return result;
  let best = acc(base) + (opts.minGain ?? 0.02);
  for (const denseWeight of DENSE_WEIGHTS) {
    for (const recencyWeight of RECENCY_WEIGHTS) {
      const f = { ...current, denseWeight, recencyWeight, recencyDays: current.recencyDays ?? 180 };
      const a = acc(pairAccuracy(usable, f));
      if (a > best) {
        best = a;
        Object.assign(result, { fusion: f, pairAccuracyAfter: a, changed: true });
      }
    }
  }
  return result;
}
