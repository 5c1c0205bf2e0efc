import { registerEnumType } from "type-graphql";
import { formatRecordKey, parseRecordKey } from "../record/record-key";
import { ProblemStage } from "./problem.lifecycle";

export const formatProblemNumber = (number: number): string => formatRecordKey("PRB", number);
export const parseProblemNumber = (value: string): number | null => parseRecordKey("PRB", value);

/** The stamp column each stage sets when a problem enters it (`new` is createdAt). */
export const PROBLEM_STAGE_STAMP = {
  [ProblemStage.investigating]: "investigatingAt",
  [ProblemStage.root_cause_known]: "rootCauseKnownAt",
  [ProblemStage.known_error]: "knownErrorAt",
  [ProblemStage.resolved]: "resolvedAt",
  [ProblemStage.closed]: "closedAt",
  [ProblemStage.cancelled]: "cancelledAt",
} as const satisfies Partial<Record<ProblemStage, string>>;

/** Stages from which a problem with a workaround counts as a known error (the KEDB). */
export const KNOWN_ERROR_STAGES: readonly ProblemStage[] = [ProblemStage.known_error, ProblemStage.resolved, ProblemStage.closed];

export function isKnownError(p: { stage: ProblemStage; workaround: string | null }): boolean {
  return KNOWN_ERROR_STAGES.includes(p.stage) && !!p.workaround?.trim();
}

export enum PrioritySource {
  matrix = "matrix",
  incidents = "incidents",
  manual = "manual",
}
registerEnumType(PrioritySource, { name: "PrioritySource", description: "Where a problem's priority comes from." });

export interface PriorityInputs {
  /** Priority from the problem's own impact × urgency through the incidents' matrix. */
  matrixPriority: number;
  /** Set by hand, with the person's reason; wins over everything. */
  manual: { priority: number; reason: string } | null;
  /** The worst (lowest-numbered) open linked incident, if any. */
  worstOpenIncident: { key: string; priority: number } | null;
}

/**
 * The problem's priority: set by hand when someone did (with their reason); otherwise it follows
 * the worst open linked incident when that is worse than its own impact × urgency.
 */
export function rollUpPriority(i: PriorityInputs): { priority: number; source: PrioritySource; reason: string } {
  if (i.manual) return { priority: i.manual.priority, source: PrioritySource.manual, reason: i.manual.reason };
  const worst = i.worstOpenIncident;
  if (worst && worst.priority < i.matrixPriority) {
    return { priority: worst.priority, source: PrioritySource.incidents, reason: `follows ${worst.key} (P${worst.priority}), the worst open linked incident` };
  }
  return { priority: i.matrixPriority, source: PrioritySource.matrix, reason: "from the problem's impact × urgency" };
}

export const DEFAULT_QUIET_PERIOD_DAYS = 14;
const DAY_MS = 86_400_000;

export interface ClosingFacts {
  resolvedAt: Date | null;
  now: Date;
  quietPeriodDays: number;
  /** Linked incidents identified after the problem was resolved. */
  recurrences: number;
  /** A reason recorded with the close; lets it close inside the quiet period or despite a recurrence. */
  reason: string | null | undefined;
}

/** Why a resolved problem may not close yet, or null when it may. */
export function closingRefusal(f: ClosingFacts): string | null {
  if (f.reason?.trim()) return null;
  if (f.recurrences > 0) {
    return `${f.recurrences} linked incident(s) occurred after it was resolved; investigate again, or close with a reason`;
  }
  if (!f.resolvedAt) return "it has no resolution time; close with a reason";
  const quietEnds = new Date(f.resolvedAt.getTime() + f.quietPeriodDays * DAY_MS);
  if (f.now < quietEnds) {
    return `the ${f.quietPeriodDays}-day quiet period after the fix runs until ${quietEnds.toISOString()}; close after it, or give a reason`;
  }
  return null;
}
