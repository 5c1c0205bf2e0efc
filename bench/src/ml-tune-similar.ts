import { DEFAULT_FUSION, SIMILAR_INCIDENT_FUSION, evaluateSimilar, knownDuplicateLinks, type Bm25FieldOptions, initBackend, LsaEmbedder, rankDuplicates, SimilarIncidentIndex, type FusionOptions, type IncidentRow } from "@quell/ml";
import { dataDir, seamonkey } from "./ml-data";

/**
 * Development-only tuning of similar-incident retrieval on SeaMonkey TRAIN alone (the older 80 % by
 * Created): every duplicate in TRAIN is ranked against the TRAIN bugs created before it, with the
 * embedder fitted on TRAIN text (unsupervised). The TEST split is never read.
 * Args: JSON list of configs, each { titleWeight?, bm25TitleWeight?, fusion? }; or "loo" [titleWeight]:
 * the same queries, but the LSA is refitted without each query's own text (as for a new incident),
 * and the fusion weight is swept; or "recency": the LSA is fitted on the older half of TRAIN and the
 * duplicates of the newer half are ranked against the TRAIN bugs before them (each query's own pool),
 * sweeping the recency bonus (weight x days) at the default dense weight.
 */
async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data");
  await initBackend();
  const { train } = seamonkey(dir);
  if (process.argv[2] === "loo") return leaveQueryOut(train, Number(process.argv[3] ?? 4));
  if (process.argv[2] === "recency") return recency(train);
  if (process.argv[2] === "bm25f") return bm25f(train, process.argv[3] ? JSON.parse(process.argv[3]) : undefined);
  const configs: { titleWeight?: number; bm25TitleWeight?: number; fusion?: Partial<FusionOptions> }[] = JSON.parse(process.argv[2] ?? "[{}]");
  for (const c of configs) {
    const r = await evaluateSimilar(train, train, undefined, { fusion: c.fusion ?? { denseWeight: 0.5 }, titleWeight: c.titleWeight, bm25TitleWeight: c.bm25TitleWeight });
    const f = (x: number) => x.toFixed(3);
    console.log(
      `${JSON.stringify(c).padEnd(70)} q ${r.queries} RR@1/5/10/20 ${f(r.rr_at_1)}/${f(r.rr_at_5)}/${f(r.rr_at_10)}/${f(r.rr_at_20)} MRR ${f(r.mrr)}` +
        ` | bm25 ${f(r.baselines.bm25.rr_at_10)}/${f(r.baselines.bm25.mrr)} dense ${f(r.baselines.dense_only.rr_at_10)}/${f(r.baselines.dense_only.mrr)}`,
    );
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

async function leaveQueryOut(train: IncidentRow[], titleWeight: number): Promise<void> {
  const weights = [0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1];
  const ranks = weights.map(() => [] as number[]);
  const byId = new Map(train.map((r) => [r.id, r]));
  const queries = train.filter((r) => r.duplicateOf && byId.get(r.duplicateOf)?.createdAt && r.createdAt && byId.get(r.duplicateOf)!.createdAt! < r.createdAt);
  for (const q of queries) {
    const embedder = await LsaEmbedder.fit(
      train.filter((r) => r !== q),
      { seed: 7, titleWeight },
    );
    const index = new SimilarIncidentIndex(embedder, { candidates: 100 });
    for (const r of train) if (r !== q) index.add(r);
    weights.forEach((w, i) => {
      index.fusion.denseWeight = w;
      const hits = index.search(q, { k: 100, before: q.createdAt ?? undefined, excludeId: q.id });
      ranks[i].push(hits.findIndex((h) => h.id === q.duplicateOf) + 1);
    });
  }
  weights.forEach((w, i) => {
    const r = ranks[i];
    const rr = (k: number) => (r.filter((x) => x > 0 && x <= k).length / r.length).toFixed(3);
    const mrr = (r.reduce((s, x) => s + (x > 0 ? 1 / x : 0), 0) / r.length).toFixed(3);
    console.log(`title ${titleWeight} dense weight ${w}: q ${r.length} RR@1/5/10/20 ${rr(1)}/${rr(5)}/${rr(10)}/${rr(20)} MRR ${mrr}`);
  });
}

async function recency(train: IncidentRow[]): Promise<void> {
  const older = train.slice(0, Math.floor(train.length / 2)); // seamonkey() returns TRAIN oldest first
  const queries = train.slice(older.length).filter((r) => r.duplicateOf);
  const embedder = await LsaEmbedder.fit(older, { seed: 7 });
  for (const [recencyWeight, recencyDays] of [[0, 180], [0.1, 60], [0.1, 365], [0.2, 60], [0.2, 180], [0.2, 365], [0.5, 60], [0.5, 180]]) {
    const ranked = rankDuplicates(embedder, train, queries, { fusion: { ...DEFAULT_FUSION, recencyWeight, recencyDays } });
    const ranks = queries.map((q) => ranked.get(q.id)!.fused.findIndex((h) => h.id === q.duplicateOf) + 1);
    const rr = (k: number) => (ranks.filter((x) => x > 0 && x <= k).length / ranks.length).toFixed(3);
    const mrr = (ranks.reduce((s, x) => s + (x > 0 ? 1 / x : 0), 0) / ranks.length).toFixed(3);
    console.log(`recency weight ${recencyWeight} over ${recencyDays} days: q ${ranks.length} RR@1/5/10/20 ${rr(1)}/${rr(5)}/${rr(10)}/${rr(20)} MRR ${mrr}`);
  }
}

/**
 * BM25F on SeaMonkey TRAIN only: each of its duplicates is ranked against the TRAIN bugs created
 * before it, with the LSA refitted on exactly those bugs (as a retraining just before the query
 * would), so nothing a query sees was fitted on its own or later text. Every BM25 variant is scored
 * alone (dense weight 0, no recency) and fused (the similar-search defaults), the latter also with
 * known duplicate groups collapsed to their original (links resolved before the query). Variants: a JSON list
 * of Bm25FieldOptions (null = the one-field index with the title repeated 4 times), else a grid.
 */
async function bm25f(train: IncidentRow[], given?: (Bm25FieldOptions | null)[]): Promise<void> {
  const variants: (Bm25FieldOptions | null)[] = given ?? [
    null,
    ...[2, 3, 4, 6].flatMap((t) => [0.3, 0.5, 0.75, 1].flatMap((bt) => [0.5, 0.75, 0.9].map((bd) => ({ weights: [t, 1], lengthNormalisation: "field" as const, b: [bt, bd] })))),
  ];
  const byId = new Map(train.map((r) => [r.id, r]));
  const queries = train.filter((r) => r.duplicateOf && r.createdAt && byId.get(r.duplicateOf)?.createdAt && byId.get(r.duplicateOf)!.createdAt! < r.createdAt);
  const alone = variants.map(() => [] as number[]);
  const fused = variants.map(() => [] as number[]);
  const collapsed = variants.map(() => [] as number[]);
  const t0 = process.cpuUsage();
  for (const q of queries) {
    const earlier = train.filter((r) => r.createdAt && r.createdAt < q.createdAt!);
    const embedder = await LsaEmbedder.fit(earlier, { seed: 7 });
    const vectors = embedder.embed(earlier);
    variants.forEach((v, i) => {
      const index = new SimilarIncidentIndex(embedder, { candidates: 100, fusion: SIMILAR_INCIDENT_FUSION, bm25Fields: v ?? undefined });
      earlier.forEach((r, j) => index.addWithVector(r, vectors[j]));
      const rank = (originalOf?: (id: string) => string | undefined) => index.search(q, { k: 100, excludeId: q.id, queryTime: q.createdAt!, originalOf }).findIndex((h) => h.id === q.duplicateOf) + 1;
      fused[i].push(rank());
      collapsed[i].push(rank(knownDuplicateLinks(q, byId)));
      Object.assign(index.fusion, { denseWeight: 0, recencyWeight: 0 });
      alone[i].push(rank());
    });
  }
  const fmt = (r: number[]) => {
    const rr = (k: number) => (r.filter((x) => x > 0 && x <= k).length / r.length).toFixed(3);
    const mrr = (r.reduce((s, x) => s + (x > 0 ? 1 / x : 0), 0) / r.length).toFixed(3);
    return `RR@1/5/10/20 ${rr(1)}/${rr(5)}/${rr(10)}/${rr(20)} MRR ${mrr}`;
  };
  console.log(`${queries.length} TRAIN queries, LSA refitted before each; CPU ${((process.cpuUsage(t0).user + process.cpuUsage(t0).system) / 1e6).toFixed(0)} s`);
  variants.forEach((v, i) => console.log(`${JSON.stringify(v ?? "one field, title x4").padEnd(80)} alone ${fmt(alone[i])} | fused ${fmt(fused[i])} | fused, known duplicate groups collapsed ${fmt(collapsed[i])}`));
}
