import { registerEnumType } from "type-graphql";
import { TransitionTable, type Guard, type TransitionCheck as GenericCheck, type TransitionRule as GenericRule } from "../../platform/lifecycle/transition-table";

/** The seed process's stages, in order, plus `cancelled` for duplicates. */
export enum Stage {
  identified = "identified",
  classified = "classified",
  assessed = "assessed",
  contained = "contained",
  eradicated = "eradicated",
  recovered = "recovered",
  reviewed = "reviewed",
  closed = "closed",
  cancelled = "cancelled",
}
registerEnumType(Stage, { name: "Stage", description: "Where an incident is in its lifecycle." });

export const STAGE_ORDER: readonly Stage[] = [
  Stage.identified,
  Stage.classified,
  Stage.assessed,
  Stage.contained,
  Stage.eradicated,
  Stage.recovered,
  Stage.reviewed,
  Stage.closed,
];

/** What a guard needs to know; kept small so the table stays a pure function of data. */
export interface TransitionSubject {
  priority: number;
  isMajor: boolean;
  openTaskCount: number;
  reportPublished: boolean;
}

export type TransitionRule = GenericRule<Stage, TransitionSubject>;

const lowPriorityOnly: Guard<TransitionSubject> = (s) =>
  s.priority >= 4 ? null : `only P4 and P5 incidents may skip containment and eradication (this one is P${s.priority})`;
const notMajorAndMinorPriority: Guard<TransitionSubject> = (s) =>
  s.isMajor || s.priority <= 2 ? "major incidents and P1/P2 incidents must be reviewed before they close" : null;
const noOpenTasks: Guard<TransitionSubject> = (s) =>
  s.openTaskCount > 0 ? `${s.openTaskCount} follow-up task(s) are still open; complete them first` : null;
const reportShared: Guard<TransitionSubject> = (s) =>
  s.reportPublished ? null : "the lessons-learned report must be written and shared before closing";

/**
 * Every allowed forward move. Skips are listed explicitly, each with its guard:
 * - assessed → recovered: a low-impact request (a P4 password reset) has nothing to contain.
 * - contained → eradicated is optional (contained → recovered) when the containment itself
 *   removed the cause, e.g. a bad deploy rolled back.
 * - recovered → closed skips the review only for minor incidents; major and P1/P2 are reviewed.
 */
export const TRANSITIONS: readonly TransitionRule[] = [
  { from: Stage.identified, to: Stage.classified, note: "category, severity and service are set" },
  { from: Stage.classified, to: Stage.assessed, note: "impact and urgency are assessed" },
  { from: Stage.assessed, to: Stage.contained, note: "the damage is stopped from spreading" },
  { from: Stage.assessed, to: Stage.recovered, note: "skip: nothing to contain or eradicate", guard: lowPriorityOnly },
  { from: Stage.contained, to: Stage.eradicated, note: "the cause is removed" },
  { from: Stage.contained, to: Stage.recovered, note: "skip: containment removed the cause" },
  { from: Stage.eradicated, to: Stage.recovered, note: "service is restored" },
  { from: Stage.recovered, to: Stage.reviewed, note: "post-incident review starts; a report draft is created" },
  {
    from: Stage.recovered,
    to: Stage.closed,
    note: "skip: minor incidents need no review",
    guard: (s) => notMajorAndMinorPriority(s) ?? noOpenTasks(s),
  },
  { from: Stage.reviewed, to: Stage.closed, note: "lessons learned are shared", guard: (s) => reportShared(s) ?? noOpenTasks(s) },
];

/** Reopening sends the incident back to assessment: the problem came back. */
export const REOPENABLE_FROM: readonly Stage[] = [Stage.recovered, Stage.reviewed, Stage.closed];
export const REOPEN_TARGET = Stage.assessed;
/** Terminal stages: nothing moves out of them except by reopen. */
export const TERMINAL: readonly Stage[] = [Stage.closed, Stage.cancelled];

const TABLE = new TransitionTable<Stage, TransitionSubject>(TRANSITIONS, "An incident", "none (reopen it first)");

export function nextStages(from: Stage): Stage[] {
  return TABLE.nextStages(from);
}

export type TransitionCheck = GenericCheck<Stage, TransitionSubject>;

export function checkTransition(from: Stage, to: Stage, subject: TransitionSubject): TransitionCheck {
  return TABLE.check(from, to, subject);
}

export function canReopen(from: Stage): boolean {
  return REOPENABLE_FROM.includes(from);
}

/** Stages strictly after `stage` in the main order (their stamps are cleared on reopen). */
export function stagesAfter(stage: Stage): Stage[] {
  const index = STAGE_ORDER.indexOf(stage);
  return index < 0 ? [] : STAGE_ORDER.slice(index + 1);
}
