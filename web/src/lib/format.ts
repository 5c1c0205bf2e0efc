import type { ClosureCode, Severity, Stage } from "../graphql/generated";

export const STAGE_LABEL: Record<Stage, string> = {
  identified: "Identified",
  classified: "Classified",
  assessed: "Assessed",
  contained: "Contained",
  eradicated: "Eradicated",
  recovered: "Recovered",
  reviewed: "Reviewed",
  closed: "Closed",
  cancelled: "Cancelled",
};

/** Close codes as people read them (the API's CLOSURE_LABEL), in the order the close form offers them. */
export const CLOSURE_LABEL: Record<ClosureCode, string> = {
  solved_permanently: "Solved (permanently)",
  solved_workaround: "Solved (workaround)",
  solved_remotely: "Solved remotely",
  not_reproducible: "Not solved (not reproducible)",
  not_solved_too_costly: "Not solved (too costly)",
  resolved_by_caller: "Resolved by caller",
  resolved_by_change: "Resolved by change",
  resolved_by_problem: "Resolved by problem",
  duplicate: "Duplicate",
  cancelled_by_requester: "Cancelled by requester",
};

/** Stages in lifecycle order; the queue shows every one before `closed`. */
export const OPEN_STAGES: Stage[] = ["identified", "classified", "assessed", "contained", "eradicated", "recovered", "reviewed"];

export const SEVERITY_LABEL: Record<Severity, string> = {
  SEV1: "SEV1 critical",
  SEV2: "SEV2 major",
  SEV3: "SEV3 minor",
  SEV4: "SEV4 low",
};

export const priorityLabel = (p: number): string => `P${p}`;

/** "3 min ago", "2 h ago", "4 d ago"; the exact time goes in a title attribute beside it. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const seconds = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

export function exactTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** "1 h 12 min" between two instants, or null when either is missing. */
export function duration(fromIso: string | null | undefined, toIso: string | null | undefined): string | null {
  if (!fromIso || !toIso) return null;
  const minutes = Math.max(0, Math.round((new Date(toIso).getTime() - new Date(fromIso).getTime()) / 60000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Minutes as a person reads them: "42 min", "5 h 12 min", "3 d 4 h"; "—" when unknown. */
export function minutes(m: number | null | undefined): string {
  if (m === null || m === undefined || Number.isNaN(m)) return "—";
  const total = Math.round(m);
  if (total < 60) return `${total} min`;
  const hours = Math.floor(total / 60);
  if (hours < 48) return `${hours} h ${total % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`;
}

/** A filename-safe name for the report download. */
export function reportFilename(key: string): string {
  return `${key.replace(/[^A-Za-z0-9-]/g, "")}-lessons-learned.md`;
}

const SECTION_TITLE: Array<[RegExp, string]> = [
  [/^\/$/, "Triage queue"],
  [/^\/incidents\/new$/, "Report incident"],
  [/^\/problems\/candidates$/, "Problem candidates"],
  [/^\/problems$/, "Problems"],
  [/^\/changes\/calendar$/, "Change calendar"],
  [/^\/changes\/approvals$/, "Approvals"],
  [/^\/changes\/new$/, "Raise a change"],
  [/^\/changes$/, "Changes"],
  [/^\/alerts$/, "Alerts"],
  [/^\/metrics$/, "Metrics"],
  [/^\/analytics$/, "Analytics"],
  [/^\/notifications$/, "Notifications"],
  [/^\/admin$/, "Administration"],
  [/^\/login$/, "Sign in"],
  [/^\/reset-password$/, "Reset password"],
];

/**
 * The browser tab's title for a path: the page, then the product ("INC-000207 · Quell"), so a
 * person with several tabs open (and a screen reader announcing the page) can tell them apart.
 */
export function pageTitle(pathname: string): string {
  const record = pathname.match(/^\/(?:incidents|problems|changes)\/([A-Z]{3}-\d+)$/);
  const section = record ? decodeURIComponent(record[1]) : SECTION_TITLE.find(([re]) => re.test(pathname))?.[1];
  return section ? `${section} · Quell` : "Quell";
}
