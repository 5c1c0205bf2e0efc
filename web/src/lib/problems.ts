import type { ProblemStage, ProblemTimelineKind } from "../graphql/generated";

export const PROBLEM_STAGE_LABEL: Record<ProblemStage, string> = {
  new: "New",
  investigating: "Investigating",
  root_cause_known: "Root cause known",
  known_error: "Known error",
  resolved: "Resolved",
  closed: "Closed",
  cancelled: "Cancelled",
};

/** The main path, in order, for the stage stepper. */
export const PROBLEM_PATH: ProblemStage[] = ["new", "investigating", "root_cause_known", "known_error", "resolved", "closed"];

export const PROBLEM_TIMELINE_LABEL: Record<ProblemTimelineKind, string> = {
  created: "Created",
  updated: "Updated",
  stage_changed: "Stage",
  priority_changed: "Priority",
  incidents_linked: "Linked",
  incidents_unlinked: "Unlinked",
  root_cause: "Root cause",
  workaround: "Workaround",
  note: "Note",
  task_added: "Task",
  task_completed: "Task done",
};

/** Mirrors the API's rules (problem.resolver): only these roles see the write controls. */
export const canOwnProblems = (role: string | undefined): boolean => role === "problem_manager" || role === "admin";
export const canLinkIncidents = (role: string | undefined): boolean => role === "agent" || canOwnProblems(role);

/** "2026-W07"-style label for a week start, short enough for a chart axis. */
export function weekLabel(iso: string): string {
  const d = new Date(iso);
  return d.toLocaleDateString(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
}
