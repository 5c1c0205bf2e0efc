import { existsSync } from "node:fs";
import { readIncidentCsvFile, type IncidentRow } from "../data/incidents";
import { InsufficientDataError } from "../classifier/errors";
import { evaluateClassification, type ClassificationReport } from "./classification";
import { evaluateSimilar, type SimilarReport } from "./similar";
import { evaluateRecurrence, type RecurrenceReport } from "./recurrence";
import { createProgressBar, type Writable } from "./progress";

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
}

const USAGE =
  "usage: ml evaluate --task severity|team|similar --train TRAIN.csv --test TEST.csv [--json]\n" +
  "       ml evaluate --task recurrence --test FILE.csv [--json]";
const TASKS = ["severity", "team", "similar", "recurrence"] as const;
type Task = (typeof TASKS)[number];

/** Exit codes: 0 done, 1 the data could not be evaluated, 2 bad arguments or unreadable files. */
export async function runEvaluateCli(argv: readonly string[], io: CliIo): Promise<number> {
  const args = [...argv];
  if (args[0] === "ml") args.shift();
  if (args[0] !== "evaluate") return fail(io, `unknown command "${args[0] ?? ""}"\n${USAGE}`, 2);
  const parsed = parseFlags(args.slice(1));
  if (typeof parsed === "string") return fail(io, `${parsed}\n${USAGE}`, 2);
  const { task, train, test, json } = parsed;

  const bar = createProgressBar(io.stderr);
  const trainRows = train === null ? [] : await loadRows(train, "train", io);
  if (!trainRows) return 2;
  const testRows = await loadRows(test, "test", io);
  if (!testRows) return 2;
  let report: ClassificationReport | SimilarReport | RecurrenceReport;
  try {
    const progress = (p: { percent: number; stage: string }) => bar.update(p.percent, p.stage);
    report =
      task === "recurrence"
        ? await evaluateRecurrence(testRows, progress)
        : task === "similar"
          ? await evaluateSimilar(trainRows, testRows, progress)
          : await evaluateClassification(task, trainRows, testRows, progress);
  } catch (e) {
    bar.done();
    if (e instanceof InsufficientDataError) return fail(io, `cannot evaluate: ${e.message}`, 1);
    throw e;
  }
  bar.done();
  io.stdout.write(json ? JSON.stringify(report) + "\n" : humanReport(report));
  return 0;
}

function parseFlags(args: string[]): { task: Task; train: string | null; test: string; json: boolean } | string {
  const values: Record<string, string> = {};
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--json") json = true;
    else if (a === "--task" || a === "--train" || a === "--test") {
      const v = args[++i];
      if (v === undefined || v.startsWith("--")) return `${a} needs a value`;
      values[a.slice(2)] = v;
    } else return `unknown argument "${a}"`;
  }
  if (!values.task) return "--task is required";
  if (!(TASKS as readonly string[]).includes(values.task)) return `--task must be one of ${TASKS.join(", ")}, not "${values.task}"`;
  // Recurrence clusters one file with the production defaults: there is nothing to train on.
  const needTrain = values.task !== "recurrence";
  if (!needTrain && values.train) return "--task recurrence clusters the --test file alone; --train is not used";
  for (const k of needTrain ? ["train", "test"] : ["test"]) if (!values[k]) return `--${k} is required`;
  return { task: values.task as Task, train: needTrain ? values.train : null, test: values.test, json };
}

async function loadRows(path: string, which: string, io: CliIo): Promise<IncidentRow[] | null> {
  if (!existsSync(path)) {
    fail(io, `--${which} file not found: ${path}`, 2);
    return null;
  }
  const { rows, errors } = await readIncidentCsvFile(path);
  for (const e of errors.slice(0, 10)) io.stderr.write(`${path}:${e.line}: ${e.message}\n`);
  if (errors.length > 10) io.stderr.write(`${path}: ${errors.length - 10} more row errors\n`);
  if (rows.length === 0) {
    fail(io, `--${which} file has no valid incident rows: ${path}`, 2);
    return null;
  }
  return rows;
}

function fail(io: CliIo, message: string, code: number): number {
  io.stderr.write(`error: ${message}\n`);
  return code;
}

function pct(x: number): string {
  return x.toFixed(3);
}

function humanReport(r: ClassificationReport | SimilarReport | RecurrenceReport): string {
  if (r.task === "recurrence") {
    const b = r.baselines.tfidf_single_link;
    return (
      `recurrence: ${r.n} rows, ${r.gold_groups} gold groups (${r.gold_pairs} pairs)  pair precision ${pct(r.pair_precision)}  ` +
      `recall ${pct(r.pair_recall)}  F1 ${pct(r.pair_f1)}  clusters ${r.clusters}  largest ${r.largest_cluster}\n` +
      `TF-IDF single link (cosine >= ${b.threshold}): precision ${pct(b.pair_precision)}  recall ${pct(b.pair_recall)}  ` +
      `F1 ${pct(b.pair_f1)}  clusters ${b.clusters}  largest ${b.largest_cluster}\n`
    );
  }
  if (r.task === "similar") {
    return (
      `similar: ${r.queries} queries  RR@1 ${pct(r.rr_at_1)}  RR@5 ${pct(r.rr_at_5)}  RR@10 ${pct(r.rr_at_10)}  ` +
      `RR@20 ${pct(r.rr_at_20)}  MRR ${pct(r.mrr)}\nBM25: RR@1 ${pct(r.baselines.bm25.rr_at_1 ?? 0)}  RR@5 ${pct(r.baselines.bm25.rr_at_5 ?? 0)}  ` +
      `RR@10 ${pct(r.baselines.bm25.rr_at_10)}  RR@20 ${pct(r.baselines.bm25.rr_at_20 ?? 0)}  MRR ${pct(r.baselines.bm25.mrr)}\n`
    );
  }
  const lines = [
    `${r.task}: train ${r.n_train}, test ${r.n_test}  accuracy ${pct(r.accuracy)}  macro-F1 ${pct(r.macro_f1)}  ECE ${pct(r.ece)}`,
    `majority: accuracy ${pct(r.baselines.majority.accuracy)} macro-F1 ${pct(r.baselines.majority.macro_f1)}; ` +
      `naive Bayes: accuracy ${pct(r.baselines.naive_bayes.accuracy)} macro-F1 ${pct(r.baselines.naive_bayes.macro_f1)}` +
      (r.baselines.naive_bayes.macro_f1_gain_ci95
        ? ` (model minus NB, 95 % bootstrap: ${pct(r.baselines.naive_bayes.macro_f1_gain_ci95[0])} to ${pct(r.baselines.naive_bayes.macro_f1_gain_ci95[1])})`
        : ""),
    `${"label".padEnd(16)} precision recall  f1     support`,
    ...Object.entries(r.per_class).map(
      ([l, m]) => `${l.padEnd(16)} ${pct(m.precision).padEnd(9)} ${pct(m.recall).padEnd(7)} ${pct(m.f1).padEnd(6)} ${m.support}`,
    ),
  ];
  return lines.join("\n") + "\n";
}
