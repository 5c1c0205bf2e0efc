export { PairScorer } from "./features";
export type { RecurrenceIncident, EvidenceWeights, IncidentFeatures } from "./features";
export { RecurrenceClusterer, SearchRecurrenceClusterer, DEFAULT_RECURRENCE, byCreation } from "./cluster";
export { AssignedNeighbours } from "./neighbours";
export type { RecurrenceOptions, Assignment } from "./cluster";
export { clusterEvidence } from "./evidence";
export type { ClusterEvidence } from "./evidence";
export { goldGroups, pairScores, tfidfSingleLink, TFIDF_BASELINE_THRESHOLD } from "./evaluate";
export type { PairScores } from "./evaluate";
