import type { IncidentRow } from "../data/incidents";
import { LsaEmbedder } from "../similar/lsa-embedder";
import { SimilarIncidentIndex } from "../similar/similar-index";
import { RecurrenceClusterer, DEFAULT_RECURRENCE, type RecurrenceOptions } from "../recurrence/cluster";
import { goldGroups, pairScores, tfidfSingleLink, TFIDF_BASELINE_THRESHOLD, type PairScores } from "../recurrence/evaluate";
import type { EvalProgress } from "./classification";

export interface RecurrenceReport extends PairScores {
  task: "recurrence";
  n: number;
  gold_groups: number;
  gold_pairs: number;
  options: RecurrenceOptions;
  baselines: {
    tfidf_single_link: PairScores & { threshold: number };
  };
}

/**
 * Clusters every row of one file the way production does (an LSA embedder fitted on the file's
 * text, the similar-incident index over it, the recurrence pass in creation order) using only
 * title, description and created_at; `duplicate_of` is read afterwards, as the gold. The
 * TF-IDF single-link baseline runs on the same rows in the same call.
 */
export async function evaluateRecurrence(
  rows: readonly IncidentRow[],
  onProgress?: (p: EvalProgress) => void,
  opts: { recurrence?: Partial<RecurrenceOptions>; baselineThreshold?: number } = {},
): Promise<RecurrenceReport> {
  onProgress?.({ percent: 0, stage: "embedding" });
  const texts = rows.map((r) => ({ id: r.id, title: r.title, description: r.description, createdAt: r.createdAt }));
  const embedder = await LsaEmbedder.fit(texts, { seed: 7 });
  onProgress?.({ percent: 40, stage: "clustering" });
  const index = new SimilarIncidentIndex(embedder);
  const clusterer = RecurrenceClusterer.rebuild(index, texts, opts.recurrence);
  const predicted = new Map(texts.map((r) => [r.id, clusterer.groupKeyOf(r.id)!]));
  onProgress?.({ percent: 80, stage: "baseline" });
  const threshold = opts.baselineThreshold ?? TFIDF_BASELINE_THRESHOLD;
  const baseline = tfidfSingleLink(texts, threshold);
  const gold = goldGroups(rows);
  const goldPairs = [...countBy(gold.values()).values()].reduce((s, n) => s + (n * (n - 1)) / 2, 0);
  onProgress?.({ percent: 100, stage: "done" });
  return {
    task: "recurrence",
    n: rows.length,
    ...pairScores(gold, predicted),
    gold_groups: new Set(gold.values()).size,
    gold_pairs: goldPairs,
    options: { ...DEFAULT_RECURRENCE, ...opts.recurrence },
    baselines: { tfidf_single_link: { ...pairScores(gold, baseline), threshold } },
  };
}

function countBy<T>(values: Iterable<T>): Map<T, number> {
  const m = new Map<T, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
}
