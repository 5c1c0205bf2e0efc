import type { Severity, SuggestionKind, SuggestionStatus } from "../graphql/generated";
import { SeverityValues } from "../graphql/generated";
import { SEVERITY_LABEL, percent } from "./format";

export const KIND_LABEL: Record<SuggestionKind, string> = {
  severity: "Severity",
  team: "Team",
  category: "Category",
  similar: "Similar incident",
  problem: "Known problem",
};

export const STATUS_LABEL: Record<SuggestionStatus, string> = {
  pending: "Awaiting a decision",
  accepted: "Accepted",
  corrected: "Corrected",
  dismissed: "Dismissed",
};

/**
 * How well a past incident (or, through its incidents, a problem) matches: the fused similarity
 * score, which the recency bonus lifts above 1 for recent matches. It ranks; it is not a
 * probability, so it is shown as a score ("0.87"), never as a percentage ("120%").
 */
export function matchScore(score: number | null): string {
  return score === null ? "—" : `score ${score.toFixed(2)}`;
}

/** The decision on a similar incident, in the words of its buttons (Helpful / Not similar). */
export function similarDecision(status: SuggestionStatus): string {
  return status === "accepted" ? "Marked helpful" : status === "dismissed" ? "Marked not similar" : status === "pending" ? "" : STATUS_LABEL[status];
}

/** How sure the model is, in words as well as a number (never colour alone). */
export function confidenceWords(confidence: number | null): string {
  if (confidence === null) return "confidence unknown";
  const level = confidence >= 0.8 ? "high" : confidence >= 0.5 ? "medium" : "low";
  return `${percent(confidence)} (${level})`;
}

export function confidenceLevel(confidence: number | null): "high" | "medium" | "low" | "unknown" {
  if (confidence === null) return "unknown";
  return confidence >= 0.8 ? "high" : confidence >= 0.5 ? "medium" : "low";
}

/** A suggested value as a person reads it: the API's label, or the severity's name. */
export function suggestionText(s: { kind: SuggestionKind; value: string | null; label: string | null }): string {
  if (s.kind === "severity" && s.value && (SeverityValues as readonly string[]).includes(s.value)) return SEVERITY_LABEL[s.value as Severity];
  return s.label ?? s.value ?? "—";
}

/** The newest pending, non-abstained suggestion of a kind, which is what the agent can act on. */
export function actionable<T extends { status: SuggestionStatus; abstained: boolean; value: string | null }>(list: readonly T[]): T | null {
  return list.find((s) => s.status === "pending" && !s.abstained && s.value !== null) ?? null;
}
