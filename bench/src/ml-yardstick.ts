import {
  MultinomialNaiveBayes,
  accuracyOf,
  initBackend,
  macroF1OverUnion,
  pairedBootstrapInterval,
  stratifiedSplit,
  topKAccuracy,
  trainClassifier,
  type IncidentRow,
} from "@quell/ml";
import { cpus, loadavg } from "node:os";
import { LinearSvmYardstick } from "./yardstick";
import { dataDir, itServiceTickets, mozillaSeverity, statusIncidents } from "./ml-data";

/**
 * The active pipeline (trainClassifier, as retraining runs it) against the yardstick (TF-IDF word
 * 1-2 + char 2-5 grams, one-vs-rest linear SVM; bench/src/yardstick.ts) and multinomial naive
 * Bayes, on the same split in the same run, for every classification data set in shared/data.
 * Prints accuracy, macro-F1 (union of truth and predicted labels), top-3 accuracy and 95 %
 * paired-bootstrap intervals of pipeline - yardstick. Vocabulary, idf and every fitted number of
 * all three come from TRAIN only.
 *
 * Args: [dataset] [--train-sample N] (a stratified TRAIN subsample, for exploring; TEST stays whole).
 */
type Task = "team" | "severity";
interface Dataset {
  name: string;
  task: Task;
  how: string;
  load: (dir: string) => { train: IncidentRow[]; test: IncidentRow[] };
}

const DATASETS: Dataset[] = [
  { name: "it-service-tickets", task: "team", how: "routing, 8 groups, seeded stratified 80/20 (no dates)", load: itServiceTickets },
  { name: "mozilla-severity", task: "severity", how: "6 classes, seeded stratified 80/20 (no dates)", load: mozillaSeverity },
  { name: "status-incidents", task: "severity", how: "impact 0-4, time split 80/20 by start", load: statusIncidents },
];

const labelOf = (r: IncidentRow, task: Task) => (task === "team" ? r.team : r.severity).trim();
const inputOf = (r: IncidentRow) => ({ title: r.title, description: r.description, service: r.service, category: r.category });
/** The yardstick and naive Bayes read the same fields as one text. */
const textOf = (r: IncidentRow) => [r.title, r.description, r.service, r.category].filter(Boolean).join("\n");

interface SystemResult {
  name: string;
  top1: string[];
  ranked?: string[][];
  seconds: number;
}

async function main(): Promise<void> {
  const dir = dataDir();
  if (!dir) {
    console.log("no shared data found (set QUELL_DATA); nothing to evaluate");
    return;
  }
  const args = process.argv.slice(2);
  const sampleAt = args.indexOf("--train-sample");
  const trainSample = sampleAt >= 0 ? Number(args[sampleAt + 1]) : undefined;
  const only = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--train-sample");
  console.log(`data: ${dir}  backend: ${await initBackend()}  cores: ${cpus().length}`);
  for (const ds of DATASETS) {
    if (only && only !== ds.name) continue;
    const split = ds.load(dir);
    let train = split.train.filter((r) => labelOf(r, ds.task));
    const test = split.test.filter((r) => labelOf(r, ds.task));
    if (trainSample && trainSample < train.length) {
      const keep = stratifiedSplit(
        train.map((r) => labelOf(r, ds.task)),
        trainSample / train.length,
        7,
      ).holdout;
      train = keep.map((i) => train[i]);
    }
    const truth = test.map((r) => labelOf(r, ds.task));
    const trainLabels = train.map((r) => labelOf(r, ds.task));
    console.log(`\n== ${ds.name} (${ds.task}; ${ds.how}): train ${train.length}, test ${test.length}; load ${loadavg()[0].toFixed(1)}`);

    const results: SystemResult[] = [];
    let t0 = Date.now();
    const clf = await trainClassifier(
      // With its creation date, as retraining passes it (validation then holds out the newest rows).
      train.map((r) => ({ ...inputOf(r), createdAt: r.createdAt, label: labelOf(r, ds.task) })),
      { seed: 42, objective: ds.task === "team" ? "accuracy" : "macro_f1" },
    );
    const preds = clf.predictBatch(test.map(inputOf), { explain: false });
    results.push({ name: "Quell pipeline", top1: preds.map((p) => p.topLabel), ranked: preds.map((p) => p.distribution.map((d) => d.label)), seconds: (Date.now() - t0) / 1000 });
    console.log(`  pipeline validation: ${JSON.stringify(clf.validation)}`);

    t0 = Date.now();
    const svm = LinearSvmYardstick.fit(train.map(textOf), trainLabels);
    const ranked = svm.rank(test.map(textOf), 3);
    results.push({ name: "yardstick SVM", top1: ranked.map((r) => r[0]), ranked, seconds: (Date.now() - t0) / 1000 });
    console.log(`  yardstick: dual CD iterations per class ${svm.iterations.join(", ")}`);

    t0 = Date.now();
    const nb = new MultinomialNaiveBayes().fit(train.map(textOf), trainLabels);
    results.push({ name: "naive Bayes", top1: test.map((r) => nb.predict(textOf(r))), seconds: (Date.now() - t0) / 1000 });

    console.log("  system            accuracy  macro-F1  top-3   seconds");
    for (const r of results) {
      const top3 = r.ranked ? topKAccuracy(truth, r.ranked, 3).toFixed(3) : "  -  ";
      console.log(`  ${r.name.padEnd(17)} ${accuracyOf(truth, r.top1).toFixed(3).padEnd(9)} ${macroF1OverUnion(truth, r.top1).toFixed(3).padEnd(9)} ${top3}   ${r.seconds.toFixed(1)}`);
    }
    const [quell, yard, bayes] = results;
    for (const other of [yard, bayes]) {
      const acc = pairedBootstrapInterval(truth, quell.top1, other.top1, accuracyOf, 1000);
      const f1 = pairedBootstrapInterval(truth, quell.top1, other.top1, macroF1OverUnion, 1000);
      console.log(`  pipeline - ${other.name}: accuracy 95% CI [${fmt(acc)}], macro-F1 95% CI [${fmt(f1)}]`);
    }
  }
}

const fmt = (ci: [number, number]) => ci.map((v) => (v >= 0 ? "+" : "") + v.toFixed(3)).join(", ");

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
