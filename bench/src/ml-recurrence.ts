import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  createRng,
  goldGroups,
  pairScores,
  incidentRowsToCsv,
  initBackend,
  LsaEmbedder,
  RecurrenceClusterer,
  runEvaluateCli,
  SearchRecurrenceClusterer,
  SimilarIncidentIndex,
  type IncidentRow,
  type RecurrenceIncident,
} from "@quell/ml";
import { dataDir, seamonkey } from "./ml-data";
import { topicGenerator } from "./triage-synth";

/**
 * Recurrence clustering: pair precision / recall / F1 on SeaMonkey (duplicate pairs as the gold)
 * through the `ml evaluate --task recurrence` CLI, then the time and memory of a full recurrence
 * pass over synthetic incidents at 10k and 100k (so the scaling shows), with the first pass
 * (neighbours from similar-incident search, SearchRecurrenceClusterer) as the yardstick at 10k in
 * the same run. Each pass runs in a child process of its own so that its peak RSS is its own.
 * Args: sizes (default 10000 100000); `--old-at=N[,M]` sizes the yardstick also runs at (default
 * 10000); `--only-synth` / `--only-real` to run one half.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const child = args.find((a) => a.startsWith("--child="));
  if (child) return passInChild(child.slice("--child=".length));
  console.log(`backend: ${await initBackend()}`);
  const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const oldAt = (args.find((a) => a.startsWith("--old-at="))?.slice("--old-at=".length) ?? "10000").split(",").filter(Boolean).map(Number);
  if (!args.includes("--only-synth")) await real();
  if (!args.includes("--only-real")) await synthetic(sizes.length ? sizes : [10_000, 100_000], oldAt);
}

async function real(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data found (set QUELL_DATA); skipping SeaMonkey");
  const { train, test } = seamonkey(dir);
  const tmp = mkdtempSync(path.join(tmpdir(), "quell-ml-recurrence-"));
  try {
    // The whole file is what the issue asks for; the defaults were chosen on its older 80 % (TRAIN),
    // so the newest 20 % alone is the only figure on data the defaults never saw (few gold pairs).
    for (const [name, rows] of [
      ["seamonkey, all bugs (defaults were chosen on the older 80 % of these)", [...train, ...test]],
      ["seamonkey, newest 20 % by Created (never used to choose defaults)", test],
    ] as const) {
      const file = path.join(tmp, "seamonkey.csv");
      writeFileSync(file, incidentRowsToCsv(rows as IncidentRow[]));
      let out = "";
      const t0 = Date.now();
      const code = await runEvaluateCli(["evaluate", "--task", "recurrence", "--test", file, "--json"], {
        stdout: { write: (s: string) => (out += s) },
        stderr: process.stderr,
      });
      if (code !== 0) throw new Error(`evaluate exited with ${code}`);
      console.log(`\n== ${name}: ${rows.length} rows, wall ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      console.log(out.trim());
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  await beforeAndAfter([...train, ...test]);
}

/**
 * The first algorithm (SearchRecurrenceClusterer: neighbours from similar-incident search) and the
 * fast one on the same rows, embedder and defaults as the CLI: pair scores of both and how many rows
 * they group differently (the fast path is meant to give the same groups).
 */
async function beforeAndAfter(rows: readonly IncidentRow[]): Promise<void> {
  const texts = rows.map((r) => ({ id: r.id, title: r.title, description: r.description, createdAt: r.createdAt }));
  const embedder = await LsaEmbedder.fit(texts, { seed: 7 });
  const gold = goldGroups(rows);
  const keys: Array<Map<string, string>> = [];
  for (const [name, algorithm] of [
    ["old (similar-incident search per incident)", SearchRecurrenceClusterer],
    ["fast (AssignedNeighbours + OrderedDenseSearch)", RecurrenceClusterer],
  ] as const) {
    const t0 = Date.now();
    const cpu0 = process.cpuUsage();
    const c = algorithm.rebuild(new SimilarIncidentIndex(embedder), texts);
    const cpu = process.cpuUsage(cpu0);
    const predicted = new Map(texts.map((r) => [r.id, c.groupKeyOf(r.id)!]));
    keys.push(predicted);
    const p = pairScores(gold, predicted);
    console.log(
      `${name}: pair P ${p.pair_precision.toFixed(4)} R ${p.pair_recall.toFixed(4)} F1 ${p.pair_f1.toFixed(4)}, clusters ${p.clusters}, largest ${p.largest_cluster}; pass ${s(Date.now() - t0)} wall, ${s((cpu.user + cpu.system) / 1000)} CPU`,
    );
  }
  const differ = texts.filter((r) => keys[0].get(r.id) !== keys[1].get(r.id)).length;
  console.log(`rows grouped differently by the two: ${differ} of ${texts.length}`);
}

interface PassFigures {
  algorithm: "fast" | "search";
  n: number;
  fitMs: number;
  indexMs: number;
  passMs: number;
  /** CPU time of the pass (user + system): the figure the shared machine's load distorts least. */
  passCpuMs: number;
  groups: number;
  largest: number;
  median: number;
  /** Group key of every incident, to check the two algorithms agree. */
  digest: string;
  heapBeforeMb: number;
  heapAfterMb: number;
  rssBeforeMb: number;
  peakRssMb: number;
}

/** Runs the synthetic passes, each in its own process, and prints them beside the yardstick. */
async function synthetic(sizes: readonly number[], oldAt: readonly number[]): Promise<void> {
  console.log(`\n== synthetic recurrence pass: full rebuild, 2,000 recurring sub-topics (each size and algorithm in its own process)`);
  console.log(`algorithm   incidents   pass s   ms/incident   cpu s  cpu ms/incident   groups>=3  largest  median   heap before->after MB   rss before pass MB   peak rss MB`);
  const runs: PassFigures[] = [];
  for (const n of sizes) {
    for (const algorithm of oldAt.includes(n) ? (["search", "fast"] as const) : (["fast"] as const)) {
      const f = await childPass(algorithm, n);
      runs.push(f);
      console.log(
        `${(algorithm === "search" ? "old search" : "fast").padEnd(10)} ${String(n).padStart(10)} ${s(f.passMs).padStart(8)} ${(f.passMs / n).toFixed(3).padStart(13)} ${s(f.passCpuMs).padStart(7)} ${(f.passCpuMs / n).toFixed(3).padStart(16)} ${String(f.groups).padStart(10)} ${String(f.largest).padStart(8)} ${String(f.median).padStart(7)}   ${`${f.heapBeforeMb} -> ${f.heapAfterMb}`.padStart(20)} ${String(f.rssBeforeMb).padStart(20)} ${String(f.peakRssMb).padStart(13)}`,
      );
    }
    const [old, fast] = [runs.find((r) => r.n === n && r.algorithm === "search"), runs.find((r) => r.n === n && r.algorithm === "fast")];
    if (old && fast) {
      console.log(`  at ${n}: fast pass ${(old.passMs / fast.passMs).toFixed(1)}x the old one's speed by wall time, ${(old.passCpuMs / fast.passCpuMs).toFixed(1)}x by CPU time; same groups for every incident: ${old.digest === fast.digest ? "yes" : "NO"}`);
    }
  }
  console.log(`(fit embedder on a 20k sample and embed + index happen before the pass and are not in "pass s"; the machine's 2 cores are shared, expect noise)`);
  for (const f of runs) console.log(`  ${f.algorithm} ${f.n}: fit ${s(f.fitMs)}, embed + index ${s(f.indexMs)}`);
}

function childPass(algorithm: "fast" | "search", n: number): Promise<PassFigures> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--expose-gc", __filename, `--child=${algorithm}:${n}`], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
    proc.on("error", reject);
    proc.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as PassFigures) : reject(new Error(`${algorithm} ${n} exited ${code}`))));
  });
}

/**
 * A production-shaped pass: the embedder is fitted on a 20k sample (as retraining would), every
 * incident is embedded and filed in the similar-incident index (IVF trained as the worker does
 * past 20k), then the full recurrence rebuild runs. Each synthetic incident recurs within one of
 * 2,000 sub-topics (a topic's words plus its own), spread over two years.
 */
async function passInChild(spec: string): Promise<void> {
  await initBackend();
  const [algorithm, size] = spec.split(":") as ["fast" | "search", string];
  const n = Number(size);
  const incidents = syntheticIncidents(n);
  const t0 = Date.now();
  const embedder = await LsaEmbedder.fit(incidents.slice(-20_000), { seed: 7 });
  const t1 = Date.now();
  const index = new SimilarIncidentIndex(embedder);
  const vectors = embedder.embed(incidents);
  await index.addManyWithVectors(incidents, vectors);
  await index.optimize();
  const t2 = Date.now();
  const mem0 = memory();
  const t3 = Date.now();
  const cpu0 = process.cpuUsage();
  const clusterer = (algorithm === "search" ? SearchRecurrenceClusterer : RecurrenceClusterer).rebuild(index, incidents);
  const t4 = Date.now();
  const cpu = process.cpuUsage(cpu0);
  const mem1 = memory();
  const groups = clusterer.groups(3);
  const sizes = groups.map((g) => g.ids.length).sort((a, b) => b - a);
  const digest = createHash("sha256");
  for (const x of incidents) digest.update(`${x.id}=${clusterer.groupKeyOf(x.id)};`);
  const figures: PassFigures = {
    algorithm,
    n,
    fitMs: t1 - t0,
    indexMs: t2 - t1,
    passMs: t4 - t3,
    passCpuMs: Math.round((cpu.user + cpu.system) / 1000),
    groups: groups.length,
    largest: sizes[0] ?? 0,
    median: sizes[Math.floor(sizes.length / 2)] ?? 0,
    digest: digest.digest("hex"),
    heapBeforeMb: mb(mem0.heap),
    heapAfterMb: mb(mem1.heap),
    rssBeforeMb: mb(mem0.rss),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

function syntheticIncidents(n: number): RecurrenceIncident[] {
  const gen = topicGenerator(11);
  const rng = createRng(5);
  const subWords = Array.from({ length: 2_000 }, (_, i) => `sub${i.toString(36)}q`);
  const start = Date.UTC(2024, 0, 1);
  const incidents: RecurrenceIncident[] = [];
  for (let i = 0; i < n; i++) {
    const sub = Math.floor(rng() * subWords.length);
    const topic = sub % gen.topics.length;
    incidents.push({
      id: `s${i}`,
      title: `${subWords[sub]} ${gen.text(topic, 3, 2)}`,
      description: `${subWords[sub]} ${gen.text(topic, 8, 14)}`,
      service: `service-${topic % 40}`,
      team: `team-${topic % 12}`,
      createdAt: new Date(start + (i / n) * 2 * 365 * 86_400_000),
      resolvedAt: null,
    });
  }
  return incidents;
}

function memory(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (b: number) => Math.round(b / 1_048_576);

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
