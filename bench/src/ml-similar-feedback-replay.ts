import {
  LsaEmbedder,
  SIMILAR_INCIDENT_FUSION,
  SimilarIncidentIndex,
  createRng,
  initBackend,
  learnFusionFromFeedback,
  rankDuplicates,
  visitInArrivalOrder,
  type FusionOptions,
  type IncidentRow,
  type JudgedCandidate,
} from "@quell/ml";
import { dataDir, seamonkey } from "./ml-data";

/**
 * Offline replay of "helpful / not similar" verdicts on similar incidents (SeaMonkey, in arrival
 * order). The duplicates are cut by time into LIVE (older half) and LATER (newer half). One
 * embedder is fitted on every bug before the first LATER query (a retraining at that moment). For
 * a share of LIVE queries an agent judges the ten similar incidents shown: "helpful" when the bug
 * is in the query's duplicate group, else "not similar". The fusion weights are learned from those
 * verdicts (learnFusionFromFeedback, as the registry does) and LATER, which no verdict touched, is
 * ranked with the weights before and after. Args: [share 0..1 ...] (default 0.5 1).
 */
async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data found (set QUELL_DATA); nothing to replay");
  console.log(`backend: ${await initBackend()}`);
  const { train, test } = seamonkey(dir);
  const all = [...train, ...test];
  const group = groups(all);
  const queries = all.filter((r) => r.duplicateOf && r.createdAt).sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime());
  const live = queries.slice(0, Math.floor(queries.length / 2));
  const later = queries.slice(live.length);
  const cutoff = later[0].createdAt!;
  const embedder = await LsaEmbedder.fit(
    all.filter((r) => r.createdAt && r.createdAt < cutoff),
    { seed: 7 },
  );
  const shown = judgeLive(embedder, all, live, group, SIMILAR_INCIDENT_FUSION);
  console.log(`LIVE ${live.length} queries (until ${cutoff.toISOString().slice(0, 10)}), LATER ${later.length}; embedder fitted on ${embedder.trainedOn} earlier bugs`);
  report("LATER, weights before feedback", embedder, all, later, SIMILAR_INCIDENT_FUSION);
  for (const share of (process.argv.slice(2).length ? process.argv.slice(2) : ["0.5", "1"]).map(Number)) {
    const rng = createRng(11);
    const judged = shown.filter(() => rng() < share);
    // Few verdicts here (a few dozen queries), so the bench lowers the registry's 20-query floor.
    const learned = learnFusionFromFeedback(judged, SIMILAR_INCIDENT_FUSION, { minQueries: 8 });
    console.log(
      `\nshare ${share}: ${judged.length} LIVE queries judged, ${learned.queries} with both verdicts, ${learned.pairs} pairs; ` +
        `pair accuracy ${learned.pairAccuracyBefore.toFixed(3)} -> ${learned.pairAccuracyAfter.toFixed(3)}; ` +
        `learned dense ${learned.fusion.denseWeight}, recency ${learned.fusion.recencyWeight}${learned.changed ? "" : " (unchanged)"}`,
    );
    report(`LATER, weights learned from ${Math.round(share * 100)} % of LIVE verdicts`, embedder, all, later, learned.fusion);
  }
}

/** The ten hits each LIVE query showed, judged by whether they share its duplicate group. */
function judgeLive(embedder: LsaEmbedder, all: IncidentRow[], live: IncidentRow[], group: Map<string, string>, fusion: FusionOptions): JudgedCandidate[][] {
  const index = new SimilarIncidentIndex(embedder, { fusion });
  const out: JudgedCandidate[][] = [];
  const created = new Map(all.map((r) => [r.id, r.createdAt?.getTime() ?? 0]));
  visitInArrivalOrder(all, live, index, (q) => {
    const hits = index.search(q, { k: 100, excludeId: q.id, queryTime: q.createdAt! });
    const best = Math.max(0, ...hits.map((h) => h.bm25Score));
    out.push(
      hits.slice(0, 10).map((h) => ({
        dense: h.denseScore,
        bm25Relative: best > 0 ? h.bm25Score / best : 0,
        ageDays: (q.createdAt!.getTime() - created.get(h.id)!) / 86_400_000,
        helpful: group.get(h.id) === group.get(q.id),
      })),
    );
  });
  return out;
}

function report(what: string, embedder: LsaEmbedder, all: IncidentRow[], queries: IncidentRow[], fusion: FusionOptions): void {
  const ranked = rankDuplicates(embedder, all, queries, { fusion });
  const ranks = queries.map((q) => ranked.get(q.id)!.fused.findIndex((h) => h.id === q.duplicateOf) + 1);
  const rr = (k: number) => (ranks.filter((x) => x > 0 && x <= k).length / ranks.length).toFixed(3);
  const mrr = (ranks.reduce((s, x) => s + (x > 0 ? 1 / x : 0), 0) / ranks.length).toFixed(3);
  console.log(`${what}: RR@1/5/10/20 ${rr(1)}/${rr(5)}/${rr(10)}/${rr(20)} MRR ${mrr}`);
}

/** Duplicate groups: connected components of the duplicate_of links (union-find). */
function groups(rows: IncidentRow[]): Map<string, string> {
  const parent = new Map(rows.map((r) => [r.id, r.id]));
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const r of rows) if (r.duplicateOf && parent.has(r.duplicateOf)) parent.set(find(r.id), find(r.duplicateOf));
  return new Map(rows.map((r) => [r.id, find(r.id)]));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
