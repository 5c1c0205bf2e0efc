import type { IncidentRow } from "../data/incidents";
import { createRng } from "../util/random";
import { trainClassifier } from "../classifier/train";
import { MajorityClassifier, MultinomialNaiveBayes } from "../classifier/naive-bayes";
import { classificationMetrics, expectedCalibrationError, type ClassMetrics } from "../classifier/metrics";

export type ClassificationTask = "severity" | "team";

export interface ClassificationReport {
  task: ClassificationTask;
  n_train: number;
  n_test: number;
  accuracy: number;
  macro_f1: number;
  /** Share of TEST rows whose label is among the model's 3 most probable labels. */
  top3_accuracy: number;
  per_class: Record<string, ClassMetrics>;
  baselines: {
    majority: { accuracy: number; macro_f1: number };
    naive_bayes: {
      accuracy: number;
      macro_f1: number;
      per_class?: Record<string, ClassMetrics>;
      /** 95 % paired-bootstrap interval of (model macro-F1 - naive Bayes macro-F1) over TEST rows. */
      macro_f1_gain_ci95?: [number, number];
    };
  };
  /** Expected calibration error (10 bins) of the calibrated top-label confidence on TEST. */
  ece: number;
  /** Share of TEST rows where the model would answer instead of abstaining, and its accuracy there. */
  coverage: number;
  accuracy_when_answering: number;
  abstain_threshold: number;
  temperature: number;
}

export interface EvalProgress {
  percent: number;
  stage: string;
}

function labelOf(row: IncidentRow, task: ClassificationTask): string {
  return (task === "severity" ? row.severity : row.team).trim();
}

function textOf(row: IncidentRow): string {
  return `${row.title}\n${row.description}`;
}

/**
 * Trains a fresh classifier on TRAIN only and scores it on TEST. Rows with an empty label are
 * skipped on both sides. accuracy/macro_f1 use the top label for every test row (no abstaining)
 * so they compare with the baselines; abstention is reported apart as coverage.
 * Macro-F1 averages over the labels in the test truth or the predictions (scikit-learn's rule).
 */
export async function evaluateClassification(
  task: ClassificationTask,
  trainRows: readonly IncidentRow[],
  testRows: readonly IncidentRow[],
  onProgress?: (p: EvalProgress) => void,
  /** Fixes the abstain threshold (tests); by default it is chosen on validation as in production. */
  options: { abstainThreshold?: number } = {},
): Promise<ClassificationReport> {
  const train = trainRows.filter((r) => labelOf(r, task));
  const test = testRows.filter((r) => labelOf(r, task));
  const truth = test.map((r) => labelOf(r, task));
  const clf = await trainClassifier(
    train.map((r) => ({ title: r.title, description: r.description, service: r.service, category: r.category, createdAt: r.createdAt, label: labelOf(r, task) })),
    // The objective the registry trains this kind with (routing: accuracy), so the CLI scores the model that would be activated.
    { seed: 42, objective: objectiveOfTask(task), abstainThreshold: options.abstainThreshold, onProgress: (p) => onProgress?.({ percent: p.percent * 0.9, stage: p.stage }) },
  );
  onProgress?.({ percent: 90, stage: "scoring" });
  const preds = clf.predictBatch(test.map((r) => ({ title: r.title, description: r.description, service: r.service, category: r.category })), { explain: false });
  const top = preds.map((p) => p.topLabel);
  const m = scoreTopLabels(truth, top);

  const trainLabels = train.map((r) => labelOf(r, task));
  const majority = new MajorityClassifier().fit(trainLabels);
  const maj = test.map(() => majority.predict());
  const majM = scoreTopLabels(truth, maj);
  onProgress?.({ percent: 95, stage: "naive bayes" });
  const nb = new MultinomialNaiveBayes().fit(train.map(textOf), trainLabels);
  const nbPred = test.map((r) => nb.predict(textOf(r)));
  const nbM = scoreTopLabels(truth, nbPred);

  const correct = preds.map((p, i) => p.topLabel === truth[i]);
  const answered = preds.filter((p) => !p.abstained);
  const answeredRight = preds.filter((p, i) => !p.abstained && p.label === truth[i]).length;
  onProgress?.({ percent: 100, stage: "done" });
  return {
    task,
    n_train: train.length,
    n_test: test.length,
    accuracy: m.accuracy,
    macro_f1: m.macroF1,
    top3_accuracy: topKAccuracy(
      truth,
      preds.map((p) => p.distribution.map((d) => d.label)),
      3,
    ),
    per_class: m.perClass,
    baselines: {
      majority: { accuracy: majM.accuracy, macro_f1: majM.macroF1 },
      naive_bayes: {
        accuracy: nbM.accuracy,
        macro_f1: nbM.macroF1,
        per_class: nbM.perClass,
        macro_f1_gain_ci95: pairedBootstrapGain(truth, top, nbPred),
      },
    },
    ece: expectedCalibrationError(
      preds.map((p) => p.confidence),
      correct,
    ),
    coverage: test.length ? answered.length / test.length : 0,
    accuracy_when_answering: answered.length ? answeredRight / answered.length : 0,
    abstain_threshold: clf.abstainThreshold,
    temperature: clf.temperature,
  };
}

/** Routing (team, category) is judged by its first suggestion; severity by every class alike. */
export function objectiveOfTask(task: ClassificationTask): "accuracy" | "macro_f1" {
  return task === "team" ? "accuracy" : "macro_f1";
}

/**
 * Accuracy, macro-F1 and per-class figures of top labels, macro-F1 averaged over the labels in the
 * truth or the predictions (scikit-learn's rule). An abstention (null) is a wrong answer, never a
 * skipped row. The one scoring rule of `ml evaluate`, the benches and the registry's holdout.
 */
export function scoreTopLabels(truth: readonly string[], predicted: readonly (string | null)[]) {
  const labels = [...new Set([...truth, ...predicted.filter((p): p is string => p !== null)])].sort();
  return classificationMetrics(truth, predicted, labels);
}

/** Macro-F1 of `scoreTopLabels`: every report and the registry's activation decision use this one. */
export function macroF1OverUnion(truth: readonly string[], predicted: readonly (string | null)[]): number {
  return scoreTopLabels(truth, predicted).macroF1;
}

export function accuracyOf(truth: readonly string[], predicted: readonly (string | null)[]): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) hits++;
  return truth.length ? hits / truth.length : 0;
}

/** Share of rows whose truth is among the first k ranked labels. */
export function topKAccuracy(truth: readonly string[], ranked: readonly (readonly string[])[], k: number): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (ranked[i].slice(0, k).includes(truth[i])) hits++;
  return truth.length ? hits / truth.length : 0;
}

/**
 * Paired bootstrap (Efron & Tibshirani; as in Koehn 2004 for system comparisons): TEST rows are
 * resampled with replacement, both systems scored on the same resample, and the 2.5 / 97.5
 * percentiles of metric(a) - metric(b) returned. Seeded, so a report repeats exactly.
 */
export function pairedBootstrapInterval(
  truth: readonly string[],
  a: readonly string[],
  b: readonly string[],
  metric: (truth: readonly string[], predicted: readonly string[]) => number,
  reps = 400,
  seed = 1,
): [number, number] {
  const n = truth.length;
  if (n === 0) return [0, 0];
  const rng = createRng(seed);
  const diffs: number[] = [];
  const t = new Array<string>(n);
  const pa = new Array<string>(n);
  const pb = new Array<string>(n);
  for (let r = 0; r < reps; r++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rng() * n);
      t[i] = truth[j];
      pa[i] = a[j];
      pb[i] = b[j];
    }
    diffs.push(metric(t, pa) - metric(t, pb));
  }
  diffs.sort((x, y) => x - y);
  return [diffs[Math.floor(0.025 * (reps - 1))], diffs[Math.ceil(0.975 * (reps - 1))]];
}

/** 95 % paired-bootstrap interval of the macro-F1 difference a - b. */
export function pairedBootstrapGain(truth: readonly string[], a: readonly string[], b: readonly string[], reps = 400, seed = 1): [number, number] {
  return pairedBootstrapInterval(truth, a, b, macroF1OverUnion, reps, seed);
}
