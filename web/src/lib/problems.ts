import type { ProblemStage, ProblemTimelineKind } from "../graphql/generated";
import { ApiError } from "./errors";

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

/**
 * Looks up every incident number typed into a list ("INC-000012, 13") at once and, when any is
 * wrong, names each wrong entry with why, instead of failing on the first with no hint which.
 * `find` returns the incident's id; an error other than "no such incident" / "not a number"
 * (the API unreachable) is passed on as it is.
 */
export async function resolveIncidentNumbers(text: string, find: (number: string) => Promise<string>): Promise<string[]> {
  const entries = [...new Set(text.split(/[\s,;]+/).filter(Boolean))];
  if (entries.length === 0) throw new Error("Enter one or more incident numbers, e.g. INC-000123.");
  const results = await Promise.allSettled(entries.map((entry) => find(entry)));
  const bad: string[] = [];
  results.forEach((r, i) => {
    if (r.status === "fulfilled") return;
    const code = r.reason instanceof ApiError ? r.reason.code : null;
    if (code === "NOT_FOUND") bad.push(`${entries[i]} (no such incident)`);
    else if (code === "BAD_USER_INPUT") bad.push(`${entries[i]} (not an incident number; use the form INC-000123)`);
    else throw r.reason;
  });
  if (bad.length) throw new Error(`Nothing was linked. Check ${bad.length === 1 ? "this entry" : "these entries"}: ${bad.join(", ")}.`);
  return results.map((r) => (r as PromiseFulfilledResult<string>).value);
}
