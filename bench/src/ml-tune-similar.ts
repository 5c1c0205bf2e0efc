import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { charNgrams, pairedBootstrapInterval, tokenize, DEFAULT_FUSION, SIMILAR_INCIDENT_FUSION, evaluateSimilar, knownDuplicateLinks, type Bm25FieldOptions, initBackend, LsaEmbedder, rankDuplicates, SimilarIncidentIndex, type FusionOptions, type IncidentRow } from "@quell/ml";
import { dataDir, seamonkey } from "./ml-data";

/**
 * Development-only tuning of similar-incident retrieval on SeaMonkey TRAIN alone (the older 80 % by
 * Created): every duplicate in TRAIN is ranked against the TRAIN bugs created before it, with the
 * embedder fitted on TRAIN text (unsupervised). The TEST split is never read.
 * Args: JSON list of configs, each { titleWeight?, bm25TitleWeight?, fusion? }; or "loo" [titleWeight]:
 * the same queries, but the LSA is refitted without each query's own text (as for a new incident),
 * and the fusion weight is swept; or "recency": the LSA is fitted on the older half of TRAIN and the
 * duplicates of the newer half are ranked against the TRAIN bugs before them (each query's own pool),
 * sweeping the recency bonus (weight x days) at the default dense weight; "bm25f" and "rerank" (below).
 */
async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data");
  await initBackend();
  const { train } = seamonkey(dir);
  if (process.argv[2] === "loo") return leaveQueryOut(train, Number(process.argv[3] ?? 4));
  if (process.argv[2] === "recency") return recency(train);
  if (process.argv[2] === "rerank") return rerank(train, Number(process.argv[3] ?? 50));
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
  const fmt = fmtRanks;
  console.log(`${queries.length} TRAIN queries, LSA refitted before each; CPU ${((process.cpuUsage(t0).user + process.cpuUsage(t0).system) / 1e6).toFixed(0)} s`);
  variants.forEach((v, i) => console.log(`${JSON.stringify(v ?? "one field, title x4").padEnd(80)} alone ${fmt(alone[i])} | fused ${fmt(fused[i])} | fused, known duplicate groups collapsed ${fmt(collapsed[i])}`));
}

/**
 * A learned reranker on the duplicate pairs, SeaMonkey TRAIN only (TEST never read). Each of the
 * 41 TRAIN duplicates is ranked as in `bm25f` (LSA refitted on exactly the TRAIN bugs before it,
 * similar-search fusion, known duplicate groups collapsed with links resolved before the query);
 * its top N candidates get per-pair features (fused evidence and ranks, recency, title-to-title
 * IDF cosine and character 3-5-gram overlap, shared rare words, length ratio, known-duplicate
 * group evidence; every IDF from the query's own pool) and a linear model (pairwise or pointwise
 * logistic regression, standardised features, L2 chosen by an inner grouped 5-fold over the
 * training queries) is scored by leave-one-query-out, against the fusion's own order, with a
 * paired bootstrap over queries. Args: N (default 50); `QUELL_RERANK_CACHE=file` keeps the
 * candidates between runs (the LSA refits are the slow part).
 */
interface RerankCandidate {
  id: string;
  score: number;
  dense: number;
  bm25Relative: number;
  via: boolean;
}
interface RerankQuery {
  id: string;
  target: string;
  /** 1-based rank of the target in the collapsed fused top 100, 0 when absent. */
  baseRank: number;
  cands: RerankCandidate[];
}

const RERANK_FEATURES = [
  "fused score",
  "dense cosine",
  "bm25 relative",
  "log fused rank",
  "log dense rank",
  "log bm25 rank",
  "log1p age days",
  "title idf cosine",
  "title char 3-5 jaccard",
  "shared rare words",
  "log length ratio",
  "via known duplicate",
  "log1p known duplicates",
];

async function rerank(train: IncidentRow[], topN: number): Promise<void> {
  const byId = new Map(train.map((r) => [r.id, r]));
  const queries = train.filter((r) => r.duplicateOf && r.createdAt && byId.get(r.duplicateOf)?.createdAt && byId.get(r.duplicateOf)!.createdAt! < r.createdAt);
  const cacheFile = process.env.QUELL_RERANK_CACHE;
  let ranked: RerankQuery[];
  const t0 = process.cpuUsage();
  if (cacheFile && existsSync(cacheFile)) ranked = JSON.parse(readFileSync(cacheFile, "utf8"));
  else {
    ranked = [];
    for (const q of queries) {
      const earlier = train.filter((r) => r.createdAt && r.createdAt < q.createdAt!);
      const embedder = await LsaEmbedder.fit(earlier, { seed: 7 });
      const vectors = embedder.embed(earlier);
      const index = new SimilarIncidentIndex(embedder, { candidates: 100, fusion: SIMILAR_INCIDENT_FUSION });
      earlier.forEach((r, j) => index.addWithVector(r, vectors[j]));
      const hits = index.search(q, { k: 100, excludeId: q.id, queryTime: q.createdAt!, originalOf: knownDuplicateLinks(q, byId) });
      ranked.push({
        id: q.id,
        target: q.duplicateOf!,
        baseRank: hits.findIndex((h) => h.id === q.duplicateOf) + 1,
        cands: hits.map((h) => ({ id: h.id, score: h.score, dense: h.denseScore, bm25Relative: h.bm25Relative, via: !!h.viaDuplicate })),
      });
    }
    if (cacheFile) writeFileSync(cacheFile, JSON.stringify(ranked));
  }
  const cpu = (process.cpuUsage(t0).user + process.cpuUsage(t0).system) / 1e6;

  // Per-pair features, every statistic from the query's own pool (TRAIN bugs before it).
  const tokens = new Map(train.map((r) => [r.id, { title: tokenize(r.title), all: new Set([...tokenize(r.title), ...tokenize((r.description ?? "").slice(0, 3_000))]) }]));
  const grams = new Map(train.map((r) => [r.id, new Set(charNgrams(tokenize(r.title), 3, 5))]));
  const data = ranked.map((rq) => {
    const q = byId.get(rq.id)!;
    const pool = train.filter((r) => r.createdAt && r.createdAt < q.createdAt!);
    const df = new Map<string, number>();
    for (const r of pool) for (const t of tokens.get(r.id)!.all) df.set(t, (df.get(t) ?? 0) + 1);
    const idf = (t: string) => Math.log(1 + pool.length / (1 + (df.get(t) ?? 0)));
    const rare = (t: string) => (df.get(t) ?? 0) <= Math.max(2, 0.01 * pool.length);
    const links = knownDuplicateLinks(q, byId);
    const groupSize = new Map<string, number>();
    for (const r of pool) {
      const o = links(r.id);
      if (o) groupSize.set(o, (groupSize.get(o) ?? 0) + 1);
    }
    const cands = rq.cands.slice(0, topN);
    const rankBy = (key: (c: RerankCandidate) => number) => {
      const order = cands.map((c, i) => ({ i, v: key(c) })).sort((a, b) => b.v - a.v);
      const out = new Array<number>(cands.length);
      order.forEach((o, r) => (out[o.i] = r + 1));
      return out;
    };
    const denseRank = rankBy((c) => c.dense);
    const bm25Rank = rankBy((c) => c.bm25Relative);
    const qt = tokens.get(q.id)!;
    const qg = grams.get(q.id)!;
    const tfidfNorm = (ts: string[]) => {
      const m = new Map<string, number>();
      for (const t of ts) m.set(t, (m.get(t) ?? 0) + idf(t));
      const n = Math.sqrt([...m.values()].reduce((s, v) => s + v * v, 0)) || 1;
      return new Map([...m].map(([t, v]) => [t, v / n]));
    };
    const qv = tfidfNorm(qt.title);
    const x = cands.map((c, i) => {
      const ct = tokens.get(c.id)!;
      const cv = tfidfNorm(ct.title);
      let cos = 0;
      for (const [t, v] of qv) cos += v * (cv.get(t) ?? 0);
      const cg = grams.get(c.id)!;
      let inter = 0;
      for (const g of qg) if (cg.has(g)) inter++;
      const jac = inter / Math.max(1, qg.size + cg.size - inter);
      let sharedRare = 0;
      for (const t of qt.all) if (ct.all.has(t) && rare(t)) sharedRare++;
      const ageDays = (q.createdAt!.getTime() - (byId.get(c.id)!.createdAt?.getTime() ?? q.createdAt!.getTime())) / 86_400_000;
      return [
        c.score,
        c.dense,
        c.bm25Relative,
        Math.log(i + 1),
        Math.log(denseRank[i]),
        Math.log(bm25Rank[i]),
        Math.log1p(Math.max(0, ageDays)),
        cos,
        jac,
        Math.log1p(sharedRare),
        Math.log((Math.min(qt.all.size, ct.all.size) + 1) / (Math.max(qt.all.size, ct.all.size) + 1)),
        c.via ? 1 : 0,
        Math.log1p(groupSize.get(c.id) ?? 0),
      ];
    });
    return { x, y: cands.map((c) => (c.id === rq.target ? 1 : 0)), baseRank: rq.baseRank };
  });

  const lambdas = [0.01, 0.1, 1, 10, 100];
  const fmt = fmtRanks;
  const base = data.map((d) => d.baseRank);
  console.log(`${ranked.length} TRAIN queries, top ${topN} reranked; LSA refits ${cpu.toFixed(0)} s CPU; targets in the top ${topN}: ${data.filter((d) => d.y.includes(1)).length}`);
  console.log(`${"fusion (current)".padEnd(40)} ${fmt(base)}`);
  for (const mode of ["pairwise", "pointwise"] as const) {
    for (const subset of [RERANK_FEATURES.map((_, i) => i), [0, 1, 2, 6, 7, 8, 9, 10, 11, 12]]) {
      const pick = (xs: number[][]) => xs.map((v) => subset.map((i) => v[i]));
      const d2 = data.map((d) => ({ ...d, x: pick(d.x) }));
      const chosen: number[] = [];
      const ranks = d2.map((_, qi) => {
        const rest = d2.filter((_, j) => j !== qi);
        const lambda = chooseLambda(rest, lambdas, mode);
        chosen.push(lambda);
        const model = fitLinearRanker(rest, lambda, mode);
        return rerankedRank(d2[qi], model);
      });
      const [mLo, mHi] = bootstrapOverQueries(ranks, base, mrrOf);
      const [rLo, rHi] = bootstrapOverQueries(ranks, base, (r) => rrAt(r, 10));
      const label = `${mode}, ${subset.length === RERANK_FEATURES.length ? "all features" : "no rank features"}`;
      console.log(
        `${label.padEnd(40)} ${fmt(ranks)} | queries up/down ${ranks.filter((r, i) => rankValue(r) > rankValue(base[i])).length}/${ranks.filter((r, i) => rankValue(r) < rankValue(base[i])).length} | minus fusion: MRR ${(mrrOf(ranks) - mrrOf(base)).toFixed(3)} [${mLo.toFixed(3)}, ${mHi.toFixed(3)}], RR@10 [${rLo.toFixed(3)}, ${rHi.toFixed(3)}]; lambda chosen ${[...new Set(chosen)].join("/")}`,
      );
      if (mode === "pairwise" && subset.length === RERANK_FEATURES.length) {
        // As a deployment would learn it: each query reranked by a model of the queries before it
        // only (TRAIN is oldest first), the fusion's order until 10 of them have their target in the top N.
        const forward = d2.map((d, qi) => {
          const before = d2.slice(0, qi).filter((x) => x.y.includes(1));
          return before.length < 10 ? d.baseRank : rerankedRank(d, fitLinearRanker(before, chooseLambda(before, lambdas, mode), mode));
        });
        const [fLo, fHi] = bootstrapOverQueries(forward, base, mrrOf);
        console.log(`${"  same, forward chaining".padEnd(40)} ${fmt(forward)} | minus fusion: MRR ${(mrrOf(forward) - mrrOf(base)).toFixed(3)} [${fLo.toFixed(3)}, ${fHi.toFixed(3)}]`);
      }
      const full = fitLinearRanker(d2, lambda1(chosen), mode);
      console.log(`   weights on all 41 (standardised): ${subset.map((i, j) => `${RERANK_FEATURES[i]} ${full.w[j].toFixed(2)}`).join(", ")}`);
    }
  }
}

interface RerankData {
  x: number[][];
  y: number[];
  baseRank: number;
}
interface LinearRanker {
  mean: number[];
  std: number[];
  w: number[];
  b: number;
}

/** RR@k and MRR of 1-based ranks (0 = not found). */
function fmtRanks(r: number[]): string {
  return `RR@1/5/10/20 ${[1, 5, 10, 20].map((k) => rrAt(r, k).toFixed(3)).join("/")} MRR ${mrrOf(r).toFixed(3)}`;
}

function rrAt(r: number[], k: number): number {
  return r.filter((x) => x > 0 && x <= k).length / r.length;
}

/** 1/rank, 0 for a miss: what MRR averages. */
function rankValue(r: number): number {
  return r > 0 ? 1 / r : 0;
}

function mrrOf(r: number[]): number {
  return r.reduce((s, x) => s + (x > 0 ? 1 / x : 0), 0) / r.length;
}

function lambda1(chosen: number[]): number {
  const counts = new Map<number, number>();
  for (const c of chosen) counts.set(c, (counts.get(c) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0][0];
}

/** The target's new rank: the top N reordered by the model, anything below N keeps its place. */
function rerankedRank(d: RerankData, m: LinearRanker): number {
  const t = d.y.indexOf(1);
  if (t < 0) return d.baseRank;
  const s = d.x.map((x) => scoreOf(m, x));
  return 1 + s.filter((v, i) => i !== t && (v > s[t] || (v === s[t] && i < t))).length;
}

function scoreOf(m: LinearRanker, x: number[]): number {
  let s = m.b;
  for (let j = 0; j < x.length; j++) s += m.w[j] * ((x[j] - m.mean[j]) / m.std[j]);
  return s;
}

/**
 * L2-regularised logistic regression by gradient descent on standardised features. Pairwise: one
 * example per (target, other candidate) of a query, on the feature difference, no bias (RankNet
 * with a linear scorer). Pointwise: every candidate, target or not, class-balanced.
 */
function fitLinearRanker(data: RerankData[], lambda: number, mode: "pairwise" | "pointwise"): LinearRanker {
  const all = data.flatMap((d) => d.x);
  const dim = all[0].length;
  const mean = Array.from({ length: dim }, (_, j) => all.reduce((s, x) => s + x[j], 0) / all.length);
  const std = Array.from({ length: dim }, (_, j) => Math.sqrt(all.reduce((s, x) => s + (x[j] - mean[j]) ** 2, 0) / all.length) || 1);
  const z = (x: number[]) => x.map((v, j) => (v - mean[j]) / std[j]);
  const ex: { x: number[]; y: number; wt: number }[] = [];
  for (const d of data) {
    const t = d.y.indexOf(1);
    if (t < 0) continue;
    const zs = d.x.map(z);
    if (mode === "pairwise") {
      for (let i = 0; i < zs.length; i++) if (i !== t) ex.push({ x: zs[t].map((v, j) => v - zs[i][j]), y: 1, wt: 1 / (zs.length - 1) });
    } else zs.forEach((x, i) => ex.push({ x, y: i === t ? 1 : 0, wt: i === t ? 1 : 1 / (zs.length - 1) }));
  }
  const w = new Array<number>(dim).fill(0);
  let b = 0;
  const totalWt = ex.reduce((s, e) => s + e.wt, 0);
  // Newton's method: dim is small, so the Hessian is cheap and a few steps converge.
  for (let it = 0; it < 30; it++) {
    const g = new Array<number>(dim + 1).fill(0);
    const H = Array.from({ length: dim + 1 }, () => new Array<number>(dim + 1).fill(0));
    for (const e of ex) {
      let s = mode === "pointwise" ? b : 0;
      for (let j = 0; j < dim; j++) s += w[j] * e.x[j];
      const p = 1 / (1 + Math.exp(-s));
      const r = (p - e.y) * e.wt;
      const h = p * (1 - p) * e.wt;
      const xe = mode === "pointwise" ? [...e.x, 1] : [...e.x, 0];
      for (let j = 0; j <= dim; j++) {
        g[j] += r * xe[j];
        for (let k = 0; k <= dim; k++) H[j][k] += h * xe[j] * xe[k];
      }
    }
    for (let j = 0; j <= dim; j++) {
      g[j] /= totalWt;
      for (let k = 0; k <= dim; k++) H[j][k] /= totalWt;
    }
    for (let j = 0; j < dim; j++) {
      g[j] += (lambda / totalWt) * w[j];
      H[j][j] += lambda / totalWt;
    }
    H[dim][dim] += 1e-6;
    const step = solve(H, g);
    for (let j = 0; j < dim; j++) w[j] -= step[j];
    b -= step[dim];
    if (Math.max(...step.map(Math.abs)) < 1e-8) break;
  }
  return { mean, std, w, b };
}

function solve(A: number[][], y: number[]): number[] {
  const n = y.length;
  const M = A.map((row, i) => [...row, y[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    if (Math.abs(M[c][c]) < 1e-12) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => (Math.abs(row[i]) < 1e-12 ? 0 : row[n] / row[i]));
}

/** The L2 weight with the best inner grouped 5-fold MRR over the training queries (ties: the stronger). */
function chooseLambda(data: RerankData[], lambdas: number[], mode: "pairwise" | "pointwise"): number {
  let best = lambdas[lambdas.length - 1];
  let bestMrr = -1;
  for (const lambda of [...lambdas].reverse()) {
    const ranks: number[] = [];
    for (let f = 0; f < 5; f++) {
      const model = fitLinearRanker(
        data.filter((_, i) => i % 5 !== f),
        lambda,
        mode,
      );
      data.forEach((d, i) => i % 5 === f && ranks.push(rerankedRank(d, model)));
    }
    const m = mrrOf(ranks);
    if (m > bestMrr + 1e-9) [best, bestMrr] = [lambda, m];
  }
  return best;
}

/** 95 % paired bootstrap over queries (2,000 resamples) of metric(a) - metric(b): ml's bootstrap, the ranks carried as strings. */
function bootstrapOverQueries(a: number[], b: number[], metric: (r: number[]) => number): [number, number] {
  const asRanks = (_: readonly string[], r: readonly string[]) => metric(r.map(Number));
  return pairedBootstrapInterval(a.map((_, i) => String(i)), a.map(String), b.map(String), asRanks, 2000);
}
