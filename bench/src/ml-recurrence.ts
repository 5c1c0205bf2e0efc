import { mkdtempSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  createRng,
  incidentRowsToCsv,
  initBackend,
  LsaEmbedder,
  RecurrenceClusterer,
  runEvaluateCli,
  SimilarIncidentIndex,
  type IncidentRow,
  type RecurrenceIncident,
} from "@quell/ml";
import { dataDir, seamonkey } from "./ml-data";
import { topicGenerator } from "./triage-synth";

/**
 * Recurrence clustering: pair precision / recall / F1 on SeaMonkey (duplicate pairs as the gold)
 * through the `ml evaluate --task recurrence` CLI, then the time and memory of a full recurrence
 * pass over 100k synthetic incidents. Args: [N] for the synthetic pass (default 100,000);
 * `--only-synth` / `--only-real` to run one half.
 */
async function main(): Promise<void> {
  console.log(`backend: ${await initBackend()}`);
  const args = process.argv.slice(2);
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 100_000);
  if (!args.includes("--only-synth")) await real();
  if (!args.includes("--only-real")) await synthetic(n);
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
}

/**
 * A production-shaped pass: the embedder is fitted on a 20k sample (as retraining would), every
 * incident is embedded and filed in the similar-incident index (IVF trained as the worker does
 * past 20k), then the full recurrence rebuild runs. Each synthetic incident recurs within one of
 * 2,000 sub-topics (a topic's words plus its own), spread over two years.
 */
async function synthetic(n: number): Promise<void> {
  const gen = topicGenerator(11);
  const rng = createRng(5);
  const subWords = Array.from({ length: 2_000 }, (_, i) => `sub${i.toString(36)}q`);
  const start = Date.now() - 2 * 365 * 86_400_000;
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
  const mem0 = memory();
  const t0 = Date.now();
  const embedder = await LsaEmbedder.fit(incidents.slice(-20_000), { seed: 7 });
  const t1 = Date.now();
  const index = new SimilarIncidentIndex(embedder);
  const vectors = embedder.embed(incidents);
  await index.addManyWithVectors(incidents, vectors);
  await index.optimize();
  const t2 = Date.now();
  const clusterer = RecurrenceClusterer.rebuild(index, incidents);
  const t3 = Date.now();
  const groups = clusterer.groups(3);
  const mem1 = memory();
  const sizes = groups.map((g) => g.ids.length).sort((a, b) => b - a);
  console.log(`\n== synthetic recurrence pass: ${n} incidents, 2,000 recurring sub-topics`);
  console.log(`fit embedder (20k sample) ${s(t1 - t0)}; embed + index ${s(t2 - t1)}; recurrence rebuild ${s(t3 - t2)} (${((t3 - t2) / n).toFixed(2)} ms per incident)`);
  console.log(`groups of 3 or more: ${groups.length}, largest ${sizes[0] ?? 0}, median ${sizes[Math.floor(sizes.length / 2)] ?? 0}`);
  console.log(`memory: heap ${mb(mem0.heap)} -> ${mb(mem1.heap)} MB, rss ${mb(mem0.rss)} -> ${mb(mem1.rss)} MB (after gc)`);
}

function memory(): { heap: number; rss: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const mb = (b: number) => (b / 1_048_576).toFixed(0);

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
