import { createHash } from "node:crypto";
import { SuggestionKind } from "./suggestion.entity";

/** What the triage models read from an incident, and the models that read it. */
export interface TriageInput {
  title: string;
  description: string;
  service: string | null;
  category: string | null;
  modelIds: string[];
}

/** Same text, same models → same hash → the job has nothing new to store. */
export function triageInputHash(input: TriageInput): string {
  const canonical = JSON.stringify([input.title, input.description, input.service ?? "", input.category ?? "", [...input.modelIds].sort()]);
  return createHash("sha256").update(canonical).digest("hex");
}

export interface DecisionCounts {
  kind: SuggestionKind;
  accepted: number;
  corrected: number;
  dismissed: number;
  pending: number;
  abstained: number;
  triagedIncidents: number;
  coveredIncidents: number;
}

/**
 * Precision: of the suggestions people decided on, the share they accepted as they were.
 * Coverage: of the incidents triaged, the share that got a real (not abstained) suggestion.
 * Null when there is nothing to divide by, rather than a misleading 0.
 */
export function suggestionMetrics(c: DecisionCounts): { precision: number | null; coverage: number | null; decided: number } {
  const decided = c.accepted + c.corrected + c.dismissed;
  return {
    decided,
    precision: decided ? c.accepted / decided : null,
    coverage: c.triagedIncidents ? c.coveredIncidents / c.triagedIncidents : null,
  };
}

/** The confidence, in words, for an abstention the person reads. */
export function lowConfidenceReason(confidence: number, threshold: number): string {
  return `not confident enough: ${Math.round(confidence * 100)}% where ${Math.round(threshold * 100)}% is needed`;
}
