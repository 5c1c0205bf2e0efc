import { registerEnumType } from "type-graphql";
import { TransitionTable, allOf, type Guard, type TransitionCheck, type TransitionRule } from "../../platform/lifecycle/transition-table";

export enum ChangeType {
  standard = "standard",
  normal = "normal",
  emergency = "emergency",
}
registerEnumType(ChangeType, {
  name: "ChangeType",
  description: "standard: pre-approved from a template; normal: CAB approval by quorum; emergency: one emergency approver and a retrospective review.",
});

export enum ChangeStage {
  draft = "draft",
  assessing = "assessing",
  authorized = "authorized",
  scheduled = "scheduled",
  implementing = "implementing",
  reviewing = "reviewing",
  closed = "closed",
  rejected = "rejected",
  cancelled = "cancelled",
  failed = "failed",
  rolled_back = "rolled_back",
}
registerEnumType(ChangeStage, { name: "ChangeStage", description: "Where a change is in its lifecycle." });

/** The main path, in order (the stepper shows these). */
export const CHANGE_STAGE_ORDER: readonly ChangeStage[] = [
  ChangeStage.draft,
  ChangeStage.assessing,
  ChangeStage.authorized,
  ChangeStage.scheduled,
  ChangeStage.implementing,
  ChangeStage.reviewing,
  ChangeStage.closed,
];

export const CHANGE_TERMINAL: readonly ChangeStage[] = [ChangeStage.closed, ChangeStage.rejected, ChangeStage.cancelled];

/** Stages whose window still matters for conflicts: the change may yet happen or is happening. */
export const CHANGE_LIVE_STAGES: readonly ChangeStage[] = [
  ChangeStage.draft,
  ChangeStage.assessing,
  ChangeStage.authorized,
  ChangeStage.scheduled,
  ChangeStage.implementing,
];

/** What the guards read; the service gathers it, the table stays pure data. */
export interface ChangeTransitionSubject {
  type: ChangeType;
  fromTemplate: boolean;
  hasWindow: boolean;
  hasImplementationPlan: boolean;
  hasBackoutPlan: boolean;
  serviceCount: number;
  /** Approvals (CAB quorum, or the one emergency approval) are complete and nobody rejected. */
  approvalsComplete: boolean;
  rejected: boolean;
  /** The change failed or was rolled back on its way here. */
  wentWrong: boolean;
  reviewRecorded: boolean;
}

type ChangeGuard = Guard<ChangeTransitionSubject>;

const readyToAssess: ChangeGuard = (s) => {
  const missing = [
    !s.hasWindow && "a planned window (start and end)",
    s.serviceCount === 0 && "at least one affected service",
    !s.hasImplementationPlan && "an implementation plan",
    !s.hasBackoutPlan && "a backout plan",
  ].filter(Boolean);
  return missing.length ? `it needs ${missing.join(", ")}` : null;
};
const notStandard: ChangeGuard = (s) => (s.type === ChangeType.standard ? "standard changes are pre-approved: schedule them instead" : null);
const standardFromTemplate: ChangeGuard = (s) =>
  s.type === ChangeType.standard && s.fromTemplate ? null : "only standard changes from a pre-approved template skip assessment and approval";
const hasWindowAndService: ChangeGuard = (s) =>
  !s.hasWindow ? "it needs a planned window" : s.serviceCount === 0 ? "it needs at least one affected service" : null;
const approved: ChangeGuard = (s) =>
  s.approvalsComplete ? null : "it is not yet approved (normal changes need the CAB quorum, emergency changes one emergency approver)";
const wasRejected: ChangeGuard = (s) => (s.rejected ? null : "only a rejection by an approver rejects a change");
const emergencyOnly: ChangeGuard = (s) => (s.type === ChangeType.emergency ? null : "only emergency changes start implementing without being scheduled");
const reviewedWhenNeeded: ChangeGuard = (s) =>
  (s.type === ChangeType.emergency || s.wentWrong) && !s.reviewRecorded
    ? `a ${s.type === ChangeType.emergency ? "emergency" : "failed or rolled-back"} change needs its post-implementation review recorded before it closes`
    : null;

/**
 * Every allowed move. Authorization and rejection happen through approvals (approveChange,
 * rejectChange), which use these same rows; the guards keep a direct move from skipping them.
 */
export const CHANGE_TRANSITIONS: readonly TransitionRule<ChangeStage, ChangeTransitionSubject>[] = [
  { from: ChangeStage.draft, to: ChangeStage.assessing, note: "submitted: risk is computed and approval starts", guard: allOf(notStandard, readyToAssess) },
  { from: ChangeStage.draft, to: ChangeStage.scheduled, note: "standard change: pre-approved by its template", guard: allOf(standardFromTemplate, hasWindowAndService) },
  { from: ChangeStage.draft, to: ChangeStage.cancelled, note: "withdrawn before submission" },
  { from: ChangeStage.assessing, to: ChangeStage.authorized, note: "approved (CAB quorum or emergency approver)", guard: approved },
  { from: ChangeStage.assessing, to: ChangeStage.rejected, note: "an approver rejected it", guard: wasRejected },
  { from: ChangeStage.assessing, to: ChangeStage.draft, note: "sent back for rework; approvals start again on resubmission" },
  { from: ChangeStage.assessing, to: ChangeStage.cancelled, note: "withdrawn" },
  { from: ChangeStage.authorized, to: ChangeStage.scheduled, note: "the window is confirmed" },
  { from: ChangeStage.authorized, to: ChangeStage.implementing, note: "emergency: implement at once", guard: emergencyOnly },
  { from: ChangeStage.authorized, to: ChangeStage.cancelled, note: "withdrawn" },
  { from: ChangeStage.scheduled, to: ChangeStage.implementing, note: "work starts (actual start is stamped)" },
  { from: ChangeStage.scheduled, to: ChangeStage.cancelled, note: "withdrawn" },
  { from: ChangeStage.implementing, to: ChangeStage.reviewing, note: "implemented (actual end is stamped)" },
  { from: ChangeStage.implementing, to: ChangeStage.failed, note: "the change failed" },
  { from: ChangeStage.implementing, to: ChangeStage.rolled_back, note: "the backout plan was carried out" },
  { from: ChangeStage.failed, to: ChangeStage.reviewing, note: "post-implementation review of the failure" },
  { from: ChangeStage.rolled_back, to: ChangeStage.reviewing, note: "post-implementation review of the rollback" },
  { from: ChangeStage.reviewing, to: ChangeStage.closed, note: "reviewed and closed", guard: reviewedWhenNeeded },
];

const TABLE = new TransitionTable<ChangeStage, ChangeTransitionSubject>(CHANGE_TRANSITIONS, "A change", "none (it is finished)");

export function nextChangeStages(from: ChangeStage): ChangeStage[] {
  return TABLE.nextStages(from);
}

/**
 * The moves a change of this kind can make from `from` once its record is complete: the guards
 * that depend on the kind (standard from a template vs. normal vs. emergency) decide; the ones about
 * data a person can still add (window, plans, services, approvals, review) are left to
 * checkChangeTransition, whose refusal says what is missing. So a normal draft is not offered
 * "scheduled" (only a template's standard change skips approval), which it could never take.
 */
export function changeMovesForKind(from: ChangeStage, kind: Pick<ChangeTransitionSubject, "type" | "fromTemplate">): ChangeStage[] {
  const complete: ChangeTransitionSubject = {
    ...kind,
    hasWindow: true,
    hasImplementationPlan: true,
    hasBackoutPlan: true,
    serviceCount: 1,
    approvalsComplete: true,
    rejected: true,
    wentWrong: false,
    reviewRecorded: true,
  };
  return TABLE.allowed(from, complete);
}

export function checkChangeTransition(from: ChangeStage, to: ChangeStage, subject: ChangeTransitionSubject): TransitionCheck<ChangeStage, ChangeTransitionSubject> {
  return TABLE.check(from, to, subject);
}

/** Moves people make with transitionChange; approvals make the others. */
export const APPROVAL_ONLY_TARGETS: readonly ChangeStage[] = [ChangeStage.authorized, ChangeStage.rejected];
