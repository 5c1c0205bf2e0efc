/** @quell/ml: text features, triage classifiers, similar-incident retrieval and their evaluation. */
export { initBackend } from "./backend";
export * from "./data/csv";
export { parseDate } from "./data/incidents";
export * from "./text/index";
export * from "./classifier/index";
export * from "./similar/index";
export * from "./recurrence/index";
export * from "./evaluate/index";
export { createRng, shuffleInPlace, stratifiedSplit } from "./util/random";
