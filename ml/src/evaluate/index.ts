export { evaluateClassification, pairedBootstrapGain, pairedBootstrapInterval, macroF1OverUnion, scoreTopLabels, objectiveOfTask, accuracyOf, topKAccuracy } from "./classification";
export type { ClassificationReport, ClassificationTask, EvalProgress } from "./classification";
export { evaluateSimilar, rankDuplicates, knownDuplicateLinks, DEFAULT_COLLAPSE_KNOWN_DUPLICATES } from "./similar";
export type { SimilarReport, QueryRanking } from "./similar";
export { runEvaluateCli } from "./cli";
export type { CliIo } from "./cli";
export { createProgressBar } from "./progress";
export { evaluateRecurrence } from "./recurrence";
export type { RecurrenceReport } from "./recurrence";
