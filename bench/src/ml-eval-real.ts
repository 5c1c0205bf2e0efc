import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DEFAULT_FUSION, LsaEmbedder, SIMILAR_INCIDENT_FUSION, evaluateSimilar, rankDuplicates, incidentRowsToCsv, initBackend, runEvaluateCli, type IncidentRow } from "@quell/ml";
import { dataDir, mozillaSeverity, seamonkey, statusIncidents } from "./ml-data";

/**
 * Evaluates the triage models on the public data in shared/data, through the same CLI the api
 * exposes (`ml evaluate`), after writing each data set in the incident CSV format to a temp dir.
 * Prints each JSON report and a per-class table. Skips (exit 0) when the data is not there.
 */
async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) {
    console.log("no shared data found (set QUELL_DATA); nothing to evaluate");
    return;
  }
  console.log(`data: ${dir}  backend: ${await initBackend()}`);
  const tmp = mkdtempSync(path.join(tmpdir(), "quell-ml-eval-"));
  const only = process.argv[2];
  try {
    const runs: [string, "severity" | "similar", () => { train: IncidentRow[]; test: IncidentRow[] }, string][] = [
      ["mozilla-severity", "severity", () => mozillaSeverity(dir), "seeded stratified 80/20 split (no dates), 6 classes"],
      ["status-incidents", "severity", () => statusIncidents(dir), "impact 0-4, time split 80/20 by start"],
      ["seamonkey", "similar", () => seamonkey(dir), "time split 80/20 by Created"],
    ];
    for (const [name, task, load, how] of runs) {
      if (only && only !== name) continue;
      const { train, test } = load();
      const trainCsv = path.join(tmp, `${name}-train.csv`);
      const testCsv = path.join(tmp, `${name}-test.csv`);
      writeFileSync(trainCsv, incidentRowsToCsv(train));
      writeFileSync(testCsv, incidentRowsToCsv(test));
      console.log(`\n== ${name} (${task}; ${how}): train ${train.length}, test ${test.length}`);
      let out = "";
      const t0 = Date.now();
      const code = await runEvaluateCli(["evaluate", "--task", task, "--train", trainCsv, "--test", testCsv, "--json"], {
        stdout: { write: (s: string) => (out += s) },
        stderr: process.stderr,
      });
      if (code !== 0) throw new Error(`${name}: evaluate exited with ${code}`);
      console.log(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      const report = JSON.parse(out);
      console.log(JSON.stringify(report, null, 1));
      if (report.per_class) {
        printTable(report);
        if (report.baselines.naive_bayes.per_class) {
          console.log("naive Bayes baseline:");
          printTable({ per_class: report.baselines.naive_bayes.per_class });
        }
      }
      if (name === "seamonkey") await seamonkeyAllHistory(train, test);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The 80/20 time split leaves only a handful of SeaMonkey duplicates in TEST, too few to tell
 * methods apart. As published duplicate-detection studies do, also rank every duplicate against its
 * whole earlier history. The LSA embedder then sees all text (it is unsupervised: no duplicate
 * labels), and the fusion weight stays at its default instead of being tuned here. Note: the
 * defaults (title weights, fusion weight) were chosen on the 41 TRAIN duplicates, which are 41 of
 * these 46 queries, so this view flatters the defaults; the time split's 5 TEST queries do not.
 */
async function seamonkeyAllHistory(train: IncidentRow[], test: IncidentRow[]): Promise<void> {
  const all = [...train, ...test];
  const r = await evaluateSimilar(all, all, undefined, { fusion: SIMILAR_INCIDENT_FUSION });
  console.log(`\n== seamonkey, every duplicate against all earlier bugs (no split; default fusion, not tuned here)`);
  console.log(JSON.stringify(r, null, 1));
  await seamonkeyRolling(all);
}

/**
 * The same 46 queries without the in-sample embedder: for each duplicate the LSA is refitted on
 * the bugs created before it (as a retraining just before it arrived would), and it is ranked
 * against exactly those bugs. Nothing any query sees was fitted on its own or later text; known
 * duplicate groups are collapsed only by links resolved before the query (knownDuplicateLinks).
 */
async function seamonkeyRolling(all: IncidentRow[]): Promise<void> {
  const byId = new Map(all.map((r) => [r.id, r]));
  const ranks: Record<"fused" | "fused_no_collapse" | "fused_no_recency" | "bm25" | "dense", number[]> = { fused: [], fused_no_collapse: [], fused_no_recency: [], bm25: [], dense: [] };
  const queries = all.filter((r) => r.duplicateOf && r.createdAt);
  for (const q of queries) {
    const earlier = all.filter((r) => r.createdAt && r.createdAt < q.createdAt!);
    const embedder = await LsaEmbedder.fit(earlier, { seed: 7 });
    const ranked = rankDuplicates(embedder, earlier, [q]).get(q.id)!;
    for (const k of ["fused", "bm25", "dense"] as const) ranks[k].push(ranked[k].findIndex((h) => h.id === q.duplicateOf) + 1);
    const plain = rankDuplicates(embedder, earlier, [q], { fusion: { ...DEFAULT_FUSION, recencyWeight: 0 } }).get(q.id)!;
    ranks.fused_no_recency.push(plain.fused.findIndex((h) => h.id === q.duplicateOf) + 1);
    const uncollapsed = rankDuplicates(embedder, earlier, [q], { collapseKnownDuplicates: false }).get(q.id)!;
    ranks.fused_no_collapse.push(uncollapsed.fused.findIndex((h) => h.id === q.duplicateOf) + 1);
  }
  console.log(`\n== seamonkey, every duplicate, LSA refitted on the bugs before each query (${queries.length} queries; ${queries.filter((q) => byId.get(q.duplicateOf!)).length} targets present)`);
  for (const k of ["fused", "fused_no_collapse", "fused_no_recency", "bm25", "dense"] as const) {
    const r = ranks[k];
    const rr = (n: number) => (r.filter((x) => x > 0 && x <= n).length / r.length).toFixed(3);
    const mrr = (r.reduce((s, x) => s + (x > 0 ? 1 / x : 0), 0) / r.length).toFixed(3);
    console.log(`${k.padEnd(16)} RR@1/5/10/20 ${rr(1)}/${rr(5)}/${rr(10)}/${rr(20)} MRR ${mrr}`);
  }
}

function printTable(r: { per_class: Record<string, { precision: number; recall: number; f1: number; support: number }> }): void {
  console.log("label            precision  recall  f1     support");
  for (const [label, m] of Object.entries(r.per_class)) {
    console.log(`${label.padEnd(16)} ${m.precision.toFixed(3).padEnd(10)} ${m.recall.toFixed(3).padEnd(7)} ${m.f1.toFixed(3).padEnd(6)} ${m.support}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
