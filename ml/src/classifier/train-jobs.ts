import { scoreTopLabels } from "../evaluate/classification";
import { callOnWorker } from "../util/worker";
import { InsufficientDataError } from "./errors";
import type { IncidentText } from "./features";
import { expectedCalibrationError } from "./metrics";
import { loadClassifier, type ClassifierArtifact, type TrainedClassifier } from "./predict";
import { IncidentTextCache } from "./text-cache";
import { trainClassifier, type TrainOptions, type TrainProgress } from "./train";

/** An incident as the classifiers of one retraining read it (its creation date orders validation). */
export interface JobIncident extends IncidentText {
  createdAt?: Date | null;
}

/**
 * One classifier to train on some of a retraining's incidents and score on others. Rows are
 * indices into the incidents passed alongside, so that several jobs over the same incidents copy
 * their text to a worker thread once.
 */
export interface ClassifierJob {
  /** Training rows and their labels. */
  train: readonly number[];
  trainLabels: readonly string[];
  /** Holdout rows and their labels: the trained model, and each of `compareWith`, is scored on them. */
  holdout: readonly number[];
  holdoutLabels: readonly string[];
  /** Leave each incident's category out of this model's input (the category model must not see what it predicts). */
  withoutCategory?: boolean;
  options?: Omit<TrainOptions, "onProgress" | "textCache">;
  /** Models already in use (the active one), scored on the same holdout. */
  compareWith?: readonly ClassifierArtifact[];
}

export type ClassifierJobResult =
  | { outcome: "trained"; artifact: ClassifierArtifact; holdout: Record<string, number>; compared: Record<string, number>[] }
  | { outcome: "insufficient_data" | "failed"; reason: string };

export type JobProgress = (job: number, progress: TrainProgress) => void;

/** Share of a job's progress taken by training (the rest is holdout scoring). */
const TRAINING_SHARE = 0.9;

/**
 * Holdout figures of a classifier, with the same scoring function as `ml evaluate` (macro-F1 over
 * labels in the truth or the predictions; an abstained row counts by its top label), so a
 * registry's activation decision and the CLI's figures agree.
 */
export function scoreOnHoldout(clf: TrainedClassifier, rows: readonly IncidentText[], truth: readonly string[], textCache?: IncidentTextCache): Record<string, number> {
  const preds = rows.map((r) => clf.predict(r, { explain: false, textCache }));
  const scored = scoreTopLabels(truth, preds.map((p) => p.topLabel));
  const answered = preds.filter((p) => !p.abstained);
  const answeredRight = preds.filter((p, i) => !p.abstained && p.label === truth[i]).length;
  return {
    accuracy: scored.accuracy,
    macro_f1: scored.macroF1,
    ece: expectedCalibrationError(
      preds.map((p) => p.confidence),
      preds.map((p, i) => p.topLabel === truth[i]),
    ),
    coverage: rows.length ? answered.length / rows.length : 0,
    accuracy_when_answering: answered.length ? answeredRight / answered.length : 0,
    n_holdout: rows.length,
  };
}

/**
 * Trains and scores each job in turn, in this thread. The jobs share one IncidentTextCache (they
 * read the same titles and descriptions; each still fits its vocabulary on its own training rows).
 * A job that cannot train is reported, not thrown, so the others still run.
 */
export async function runClassifierJobs(incidents: readonly JobIncident[], jobs: readonly ClassifierJob[], onProgress?: JobProgress): Promise<ClassifierJobResult[]> {
  const textCache = new IncidentTextCache();
  const results: ClassifierJobResult[] = [];
  for (const [j, job] of jobs.entries()) {
    const input = (i: number): IncidentText => {
      const r = incidents[i];
      return { title: r.title, description: r.description, service: r.service ?? undefined, category: job.withoutCategory ? undefined : (r.category ?? undefined) };
    };
    let clf: TrainedClassifier;
    try {
      clf = await trainClassifier(
        job.train.map((i, k) => ({ ...input(i), createdAt: incidents[i].createdAt, label: job.trainLabels[k] })),
        { ...job.options, textCache, onProgress: (p) => onProgress?.(j, { percent: p.percent * TRAINING_SHARE, stage: p.stage }) },
      );
    } catch (error) {
      results.push(
        error instanceof InsufficientDataError
          ? { outcome: "insufficient_data", reason: error.message }
          : { outcome: "failed", reason: error instanceof Error ? error.message : String(error) },
      );
      continue;
    }
    onProgress?.(j, { percent: 92, stage: "evaluating" });
    const rows = job.holdout.map(input);
    results.push({
      outcome: "trained",
      artifact: clf.toArtifact(),
      holdout: scoreOnHoldout(clf, rows, job.holdoutLabels, textCache),
      compared: (job.compareWith ?? []).map((a) => scoreOnHoldout(loadClassifier(a), rows, job.holdoutLabels, textCache)),
    });
  }
  return results;
}

/**
 * runClassifierJobs on a worker thread. Training is seconds to minutes of synchronous work
 * (tokenising, vocabulary sorts, SVM passes, holdout scoring); in this thread it would hold the
 * event loop that long, and whatever shares the process (the API, triage jobs, a queue's lock
 * renewals) would wait. The worker runs the same code on the same inputs: the same models, bit for
 * bit (tested). The SVM's second thread is still started from there.
 *
 * The worker loads @quell/ml's built entry point (ml/dist): run from TypeScript sources (vitest),
 * that build must be current.
 */
export function runClassifierJobsInWorker(incidents: readonly JobIncident[], jobs: readonly ClassifierJob[], onProgress?: JobProgress): Promise<ClassifierJobResult[]> {
  // Only the fields the classifiers read are copied to the worker.
  const copy = (r: JobIncident): JobIncident => ({ title: r.title, description: r.description ?? null, service: r.service ?? null, category: r.category ?? null, createdAt: r.createdAt ?? null });
  return callOnWorker<ClassifierJobResult[]>(require.resolve("@quell/ml"), "runClassifierJobs", [incidents.map(copy), jobs], (job: number, progress: TrainProgress) => onProgress?.(job, progress));
}
