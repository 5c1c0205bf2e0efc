import { ErrorCode, QuellError } from "../../platform/errors";
import { formatRecordKey, parseRecordKey } from "../record/record-key";
import { ClosureCode, type Incident } from "./incident.entity";
import { Stage, TERMINAL, canReopen } from "./incident.lifecycle";

/** Incident numbers as people write them. */
export function formatIncidentNumber(number: number): string {
  return formatRecordKey("INC", number);
}

/** Parses "INC-000123", "inc-123" or "123". */
export function parseIncidentNumber(value: string): number | null {
  return parseRecordKey("INC", value);
}

/**
 * Why the incident's record (details, assignment, report, tasks) can't be changed now, or null.
 * A closed or cancelled incident is the record of what happened: edits wait for a reopen (closed),
 * and a cancelled duplicate has none (its work continues on the original). Notes, completing
 * leftover tasks and linking it to a problem still work: they add to the history, not rewrite it.
 */
export function readOnlyReason(incident: Pick<Incident, "number" | "stage">): string | null {
  if (!TERMINAL.includes(incident.stage)) return null;
  const what = `${formatIncidentNumber(incident.number)} is ${incident.stage}`;
  return canReopen(incident.stage) ? `${what}; reopen it to change it.` : `${what}; it can no longer be changed.`;
}

/** Refuses an edit of a closed or cancelled incident with PRECONDITION_FAILED, as closed problems and changes do. */
export function assertIncidentEditable(incident: Pick<Incident, "number" | "stage">): void {
  const reason = readOnlyReason(incident);
  if (reason) throw new QuellError(ErrorCode.PreconditionFailed, reason, { stage: incident.stage, reopenable: canReopen(incident.stage) });
}

/**
 * ServiceNow's rule: the assignee works in the assignment team. When the team changes, an assignee
 * kept from before who is not a member of the new team is cleared (the new team picks its own);
 * one named in the same change must be a member, since both can't hold. Without a team there is
 * nothing to be a member of.
 */
export function assigneeOnTeamChange(args: { teamId: string | null; assigneeTeamId: string | null; namedNow: boolean }): "keep" | "clear" | "refuse" {
  if (!args.teamId || args.assigneeTeamId === args.teamId) return "keep";
  return args.namedNow ? "refuse" : "clear";
}

/** The stamp column each stage sets when an incident enters it. */
export const STAGE_STAMP: Record<Stage, keyof Incident> = {
  [Stage.identified]: "identifiedAt",
  [Stage.classified]: "classifiedAt",
  [Stage.assessed]: "assessedAt",
  [Stage.contained]: "containedAt",
  [Stage.eradicated]: "eradicatedAt",
  [Stage.recovered]: "recoveredAt",
  [Stage.reviewed]: "reviewedAt",
  [Stage.closed]: "closedAt",
  [Stage.cancelled]: "cancelledAt",
};

/** Close codes as people read them (timeline, report). */
export const CLOSURE_LABEL: Record<ClosureCode, string> = {
  [ClosureCode.solved_permanently]: "Solved (permanently)",
  [ClosureCode.solved_workaround]: "Solved (workaround)",
  [ClosureCode.solved_remotely]: "Solved remotely",
  [ClosureCode.not_reproducible]: "Not solved (not reproducible)",
  [ClosureCode.not_solved_too_costly]: "Not solved (too costly)",
  [ClosureCode.resolved_by_caller]: "Resolved by caller",
  [ClosureCode.resolved_by_change]: "Resolved by change",
  [ClosureCode.resolved_by_problem]: "Resolved by problem",
  [ClosureCode.duplicate]: "Duplicate",
  [ClosureCode.cancelled_by_requester]: "Cancelled by requester",
};

/** Closing needs a resolution (given now, or already recorded) and a close code; says which is missing. */
export function closureProblem(
  incident: Pick<Incident, "resolution">,
  input: { resolution?: string | null; closureCode?: ClosureCode | null },
): { field: "resolution" | "closureCode"; message: string } | null {
  if (!(input.resolution?.trim() || incident.resolution?.trim())) return { field: "resolution", message: "closing needs a resolution: what fixed it, or why nothing will" };
  if (!input.closureCode) return { field: "closureCode", message: `closing needs a closure code (one of ${Object.values(ClosureCode).join(", ")})` };
  return null;
}

/** Days a task made from a report's action item has before it is due. */
export const ACTION_ITEM_DUE_DAYS = 14;

/** The follow-up task title for a report action item (tasks hold at most 300 characters). */
export function actionItemTaskTitle(item: string): string {
  return item.replace(/\s+/g, " ").trim().slice(0, 300);
}
