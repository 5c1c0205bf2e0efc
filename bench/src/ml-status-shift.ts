import { classificationMetrics, initBackend, trainClassifier, type IncidentRow, type TrainOptions } from "@quell/ml";
import { loadavg } from "node:os";
import { LinearSvmYardstick } from "./yardstick";
import { dataDir, statusIncidents } from "./ml-data";

/**
 * Development-only diagnosis of status-incidents (impact 0-4): is the TEST gap to the yardstick
 * label shift over time? Prints the impact mix of TRAIN in five time blocks, then, on the pooled
 * TRAIN-internal forward-chaining blocks of `ml-tune-status`, what the pipeline and the yardstick
 * predict (label counts) and their per-class recall. With `--test` it also prints the TEST mix and
 * the same for models trained on all of TRAIN and scored on TEST (a look at TEST: count it).
 * Args: [--test] [JSON TrainOptions for the pipeline]
 */
const CUTS = [0.6, 0.733, 0.867, 1];
const LABELS = ["0", "1", "2", "3", "4"];

const inputOf = (r: IncidentRow) => ({ title: r.title, description: r.description, service: r.service, category: r.category });
const textOf = (r: IncidentRow) => [r.title, r.description, r.service, r.category].filter(Boolean).join("\n");
const labelOf = (r: IncidentRow) => r.severity.trim();

function mix(labels: readonly string[]): string {
  return LABELS.map((l) => `${l}:${((100 * labels.filter((x) => x === l).length) / Math.max(labels.length, 1)).toFixed(0).padStart(2)}%`).join(" ");
}

async function predictBoth(before: IncidentRow[], after: IncidentRow[], train: TrainOptions): Promise<{ quell: string[]; yard: string[] }> {
  const clf = await trainClassifier(before.map((r) => ({ ...inputOf(r), createdAt: r.createdAt, label: labelOf(r) })), { seed: 42, objective: "macro_f1", ...train });
  const quell = clf.predictBatch(after.map(inputOf), { explain: false }).map((p) => p.topLabel ?? "");
  const yard = LinearSvmYardstick.fit(before.map(textOf), before.map(labelOf)).rank(after.map(textOf), 1).map((x) => x[0]);
  return { quell, yard };
}

function describe(title: string, truth: string[], preds: { quell: string[]; yard: string[] }): void {
  console.log(`\n${title} (n ${truth.length})`);
  console.log(`  truth     mix ${mix(truth)}`);
  for (const [name, p] of Object.entries(preds)) {
    const m = classificationMetrics(truth, p, LABELS);
    const recall = LABELS.map((l) => `${l}:${(m.perClass[l]?.recall ?? 0).toFixed(2)}`).join(" ");
    console.log(`  ${name.padEnd(9)} mix ${mix(p)}  recall ${recall}`);
  }
}

async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) return console.log("no shared data");
  await initBackend();
  const args = process.argv.slice(2);
  const withTest = args.includes("--test");
  const train: TrainOptions = JSON.parse(args.find((a) => a.startsWith("{")) ?? "{}");
  const split = statusIncidents(dir);
  const rows = split.train.filter(labelOf);
  console.log(`status-incidents TRAIN ${rows.length} rows; load ${loadavg()[0].toFixed(1)}`);
  console.log("impact mix of TRAIN in five time blocks (oldest first):");
  for (let b = 0; b < 5; b++) {
    const block = rows.slice(Math.floor((b * rows.length) / 5), Math.floor(((b + 1) * rows.length) / 5));
    console.log(`  block ${b + 1} ${block[0].createdAt!.toISOString().slice(0, 10)}..${block[block.length - 1].createdAt!.toISOString().slice(0, 10)} n ${block.length}  ${mix(block.map(labelOf))}`);
  }
  const pooled = { quell: [] as string[], yard: [] as string[] };
  const truth: string[] = [];
  for (let i = 0; i + 1 < CUTS.length; i++) {
    const before = rows.slice(0, Math.floor(CUTS[i] * rows.length));
    const after = rows.slice(Math.floor(CUTS[i] * rows.length), Math.floor(CUTS[i + 1] * rows.length));
    const p = await predictBoth(before, after, train);
    pooled.quell.push(...p.quell);
    pooled.yard.push(...p.yard);
    truth.push(...after.map(labelOf));
  }
  describe("TRAIN-internal forward-chaining blocks, pooled", truth, pooled);
  if (withTest) {
    const test = split.test.filter(labelOf);
    describe(`TEST ${test[0].createdAt!.toISOString().slice(0, 10)}..${test[test.length - 1].createdAt!.toISOString().slice(0, 10)}, models trained on all of TRAIN`, test.map(labelOf), await predictBoth(rows, test, train));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
