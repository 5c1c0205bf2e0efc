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

/** The ranked alternatives a team suggestion stored in its reasons (the top 3 teams), or none. */
export function alternativesOf(reasons: Record<string, unknown>): Array<{ value: string; label: string; confidence: number }> {
  const list = reasons.alternatives;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (a): a is { value: string; label: string; confidence: number } =>
      typeof a === "object" && a !== null && typeof a.value === "string" && typeof a.label === "string" && typeof a.confidence === "number",
  );
}

/** The confidence, in words, for an abstention the person reads. */
export function lowConfidenceReason(confidence: number, threshold: number): string {
  return `not confident enough: ${Math.round(confidence * 100)}% where ${Math.round(threshold * 100)}% is needed`;
}

/** The incident fields a suggestion can set, as they are now. */
export interface SuggestibleValues {
  severity: string | null;
  teamId: string | null;
  category: string | null;
}

/** What the incident holds now for a suggestion's kind; similar incidents set nothing. */
export function currentValueOf(kind: SuggestionKind, incident: SuggestibleValues): string | null {
  if (kind === SuggestionKind.severity) return incident.severity;
  if (kind === SuggestionKind.team) return incident.teamId;
  if (kind === SuggestionKind.category) return incident.category;
  return null;
}

/** A suggestion to set what is already set ("Suggested SEV1" on a SEV1 incident) asks nothing of anyone. */
export function suggestsCurrentValue(suggestion: { kind: SuggestionKind; value: string | null }, incident: SuggestibleValues): boolean {
  const current = currentValueOf(suggestion.kind, incident);
  return suggestion.value !== null && current !== null && suggestion.value === current;
}

/** What a decision is about: the kind, and for similar incidents also which incident. */
export function decisionKey(suggestion: { kind: SuggestionKind; value: string | null }): string {
  return suggestion.kind === SuggestionKind.similar ? `${suggestion.kind}:${suggestion.value ?? ""}` : suggestion.kind;
}

/**
 * Of a fresh triage, the drafts worth storing as pending: none for what a person already decided
 * (their decision stands: a re-triage must not ask again), and none that would set a value the
 * incident already has.
 */
export function draftsToStore<D extends { kind: SuggestionKind; value: string | null }>(
  drafts: readonly D[],
  decided: ReadonlyArray<{ kind: SuggestionKind; value: string | null }>,
  incident: SuggestibleValues,
): D[] {
  const decidedKeys = new Set(decided.map(decisionKey));
  return drafts.filter((d) => !decidedKeys.has(decisionKey(d)) && !suggestsCurrentValue(d, incident));
}
