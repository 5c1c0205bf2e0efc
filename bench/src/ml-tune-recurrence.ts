import {
  goldGroups,
  initBackend,
  LsaEmbedder,
  pairScores,
  RecurrenceClusterer,
  SimilarIncidentIndex,
  tfidfSingleLink,
  type RecurrenceOptions,
} from "@quell/ml";
import { dataDir, seamonkey } from "./ml-data";

/**
 * Development-only tuning of recurrence clustering on SeaMonkey TRAIN alone (the older 80 % by
 * Created); the newest 20 % is never read. Sweeps the threshold, time weight and window of the
 * clustering and the cosine threshold of the TF-IDF single-link baseline (tuned the same way, so
 * the comparison is fair), printing pair precision / recall / F1 for each.
 */
async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data");
  await initBackend();
  const { train } = seamonkey(dir);
  const gold = goldGroups(train);
  console.log(`TRAIN ${train.length} rows, ${new Set(gold.values()).size} gold groups, ${gold.size} rows in them`);
  const f = (x: number) => x.toFixed(3);
  for (const t of [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7]) {
    const s = pairScores(gold, tfidfSingleLink(train, t));
    console.log(`baseline cos>=${t}: P ${f(s.pair_precision)} R ${f(s.pair_recall)} F1 ${f(s.pair_f1)} clusters ${s.clusters} largest ${s.largest_cluster}`);
  }
  const embedder = await LsaEmbedder.fit(train, { seed: 7 });
  const index = new SimilarIncidentIndex(embedder);
  const grid: Partial<RecurrenceOptions>[] = JSON.parse(process.argv[2] ?? "null") ?? defaultGrid();
  for (const opts of grid) {
    const c = RecurrenceClusterer.rebuild(index, train, opts);
    const s = pairScores(gold, new Map(train.map((r) => [r.id, c.groupKeyOf(r.id)!])));
    console.log(`${JSON.stringify(opts).padEnd(80)} P ${f(s.pair_precision)} R ${f(s.pair_recall)} F1 ${f(s.pair_f1)} clusters ${s.clusters} largest ${s.largest_cluster}`);
  }
}

function defaultGrid(): Partial<RecurrenceOptions>[] {
  const out: Partial<RecurrenceOptions>[] = [];
  for (const threshold of [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]) {
    for (const timeWeight of [0, 0.05, 0.1, 0.2]) out.push({ threshold, timeWeight, timeWindowDays: 14 });
  }
  return out;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
