export { PairScorer } from "./features";
export type { RecurrenceIncident, EvidenceWeights, IncidentFeatures } from "./features";
export { RecurrenceClusterer, DEFAULT_RECURRENCE, byCreation } from "./cluster";
export type { RecurrenceOptions, Assignment } from "./cluster";
export { clusterEvidence } from "./evidence";
export type { ClusterEvidence } from "./evidence";
export { goldGroups, pairScores, tfidfSingleLink, TFIDF_BASELINE_THRESHOLD } from "./evaluate";
export type { PairScores } from "./evaluate";
