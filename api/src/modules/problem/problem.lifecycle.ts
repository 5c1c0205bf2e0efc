import { registerEnumType } from "type-graphql";
import { TransitionTable, allOf, type Guard, type TransitionCheck, type TransitionRule } from "../../platform/lifecycle/transition-table";

/** ITIL problem stages, in order, plus `cancelled` (not a problem after all, or a duplicate problem). */
export enum ProblemStage {
  new = "new",
  investigating = "investigating",
  root_cause_known = "root_cause_known",
  known_error = "known_error",
  resolved = "resolved",
  closed = "closed",
  cancelled = "cancelled",
}
registerEnumType(ProblemStage, { name: "ProblemStage", description: "Where a problem is in its lifecycle." });

export const PROBLEM_STAGE_ORDER: readonly ProblemStage[] = [
  ProblemStage.new,
  ProblemStage.investigating,
  ProblemStage.root_cause_known,
  ProblemStage.known_error,
  ProblemStage.resolved,
  ProblemStage.closed,
];

/** Stages in which a problem is still being worked (it can match new incidents, take links). */
export const OPEN_PROBLEM_STAGES: readonly ProblemStage[] = [ProblemStage.new, ProblemStage.investigating, ProblemStage.root_cause_known, ProblemStage.known_error];
export const TERMINAL_PROBLEM_STAGES: readonly ProblemStage[] = [ProblemStage.closed, ProblemStage.cancelled];

/** What the guards read; computed by the service so the table stays a pure function of data. */
export interface ProblemTransitionSubject {
  hasRootCause: boolean;
  hasWorkaround: boolean;
  hasFix: boolean;
  /** Why closing now is refused by the quiet-period rule (see problem.rules closingRefusal), or null. */
  closingRefusal: string | null;
  /** A reason given with the move (required to cancel). */
  hasReason: boolean;
}

type G = Guard<ProblemTransitionSubject>;
const rootCauseRecorded: G = (s) => (s.hasRootCause ? null : "record the root cause first");
const workaroundRecorded: G = (s) => (s.hasWorkaround ? null : "a known error needs a workaround: record one first");
const fixRecorded: G = (s) => (s.hasFix ? null : "resolving needs the fix: give a fix description");
const quietOrReason: G = (s) => s.closingRefusal;
const reasonGiven: G = (s) => (s.hasReason ? null : "give a reason");

const cancel = (from: ProblemStage): TransitionRule<ProblemStage, ProblemTransitionSubject> => ({
  from,
  to: ProblemStage.cancelled,
  note: "not a problem after all, or a duplicate of another problem",
  guard: reasonGiven,
});

/**
 * Every allowed move. Known error is optional: a root cause fixed at once goes straight to
 * resolved. A fix that did not hold sends the problem back to investigating.
 */
export const PROBLEM_TRANSITIONS: ReadonlyArray<TransitionRule<ProblemStage, ProblemTransitionSubject>> = [
  { from: ProblemStage.new, to: ProblemStage.investigating, note: "someone works on it" },
  { from: ProblemStage.investigating, to: ProblemStage.root_cause_known, note: "the root cause is found", guard: rootCauseRecorded },
  { from: ProblemStage.root_cause_known, to: ProblemStage.known_error, note: "root cause and workaround are documented", guard: allOf(rootCauseRecorded, workaroundRecorded) },
  { from: ProblemStage.root_cause_known, to: ProblemStage.resolved, note: "skip: fixed before a workaround was needed", guard: fixRecorded },
  { from: ProblemStage.known_error, to: ProblemStage.resolved, note: "a fix is in place", guard: fixRecorded },
  { from: ProblemStage.resolved, to: ProblemStage.closed, note: "no recurrence over the quiet period, or a recorded reason", guard: quietOrReason },
  { from: ProblemStage.resolved, to: ProblemStage.investigating, note: "the fix did not hold", guard: reasonGiven },
  ...OPEN_PROBLEM_STAGES.map(cancel),
];

const TABLE = new TransitionTable<ProblemStage, ProblemTransitionSubject>(PROBLEM_TRANSITIONS, "A problem");

export function nextProblemStages(from: ProblemStage): ProblemStage[] {
  return TABLE.nextStages(from);
}

export function checkProblemTransition(from: ProblemStage, to: ProblemStage, subject: ProblemTransitionSubject): TransitionCheck<ProblemStage, ProblemTransitionSubject> {
  return TABLE.check(from, to, subject);
}

/**
 * The timeline's words for a stage move: "Moved from root cause known to known error", not the
 * enum values (root_cause_known), as people read the timeline and the notifications built from it.
 */
export function problemMoveMessage(from: ProblemStage, to: ProblemStage, reason?: string | null): string {
  const words = (stage: ProblemStage) => stage.replace(/_/g, " ");
  return `Moved from ${words(from)} to ${words(to)}${reason ? `: ${reason}` : ""}`;
}
