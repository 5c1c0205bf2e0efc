import type { IncidentFilter, IncidentSort, IncidentSortField, Severity, SortDirection, Stage } from "../graphql/generated";
import { IncidentSortFieldValues, SeverityValues, StageValues } from "../graphql/generated";
import { OPEN_STAGES } from "./format";

/** The queue's filters as they appear in the URL, so a view can be bookmarked and shared. */
export interface QueueParams {
  stage: Stage | "";
  priority: string;
  severity: Severity | "";
  service: string;
  team: string;
  /** "", "me", "unassigned" or a user id */
  assignee: string;
  q: string;
  sort: IncidentSortField;
  dir: SortDirection;
}

export const DEFAULT_QUEUE: QueueParams = {
  stage: "",
  priority: "",
  severity: "",
  service: "",
  team: "",
  assignee: "",
  q: "",
  sort: "priority",
  dir: "ASC",
};

const oneOf = <T extends string>(values: readonly T[], raw: string | null, fallback: T | ""): T | "" =>
  raw !== null && (values as readonly string[]).includes(raw) ? (raw as T) : fallback;

export function parseQueueParams(get: (name: string) => string | null): QueueParams {
  return {
    stage: oneOf(StageValues, get("stage"), ""),
    priority: /^[1-5]$/.test(get("priority") ?? "") ? (get("priority") as string) : "",
    severity: oneOf(SeverityValues, get("severity"), ""),
    service: get("service") ?? "",
    team: get("team") ?? "",
    assignee: get("assignee") ?? "",
    q: get("q") ?? "",
    sort: (oneOf(IncidentSortFieldValues, get("sort"), DEFAULT_QUEUE.sort) || DEFAULT_QUEUE.sort) as IncidentSortField,
    dir: get("dir") === "DESC" ? "DESC" : get("dir") === "ASC" ? "ASC" : DEFAULT_QUEUE.dir,
  };
}

/** Only what differs from the defaults goes into the query string. */
export function queueSearch(params: QueueParams): string {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(params) as Array<[keyof QueueParams, string]>) {
    if (v !== DEFAULT_QUEUE[k]) out.set(k, v);
  }
  const s = out.toString();
  return s ? `?${s}` : "";
}

/** The API filter for a queue view: without a stage, every stage before `closed`. */
export function toIncidentFilter(params: QueueParams, meId: string | null): IncidentFilter {
  const filter: IncidentFilter = { stage: params.stage ? [params.stage] : OPEN_STAGES };
  if (params.priority) filter.priority = [Number(params.priority)];
  if (params.severity) filter.severity = [params.severity];
  if (params.service) filter.serviceId = params.service;
  if (params.team) filter.teamId = params.team;
  if (params.assignee === "unassigned") filter.unassigned = true;
  else if (params.assignee === "me") filter.assigneeId = meId;
  else if (params.assignee) filter.assigneeId = params.assignee;
  if (params.q.trim()) filter.search = params.q.trim();
  return filter;
}

export function toIncidentSort(params: QueueParams): IncidentSort {
  return { field: params.sort, direction: params.dir };
}

/** Clicking a column header: a new column starts in its natural direction, the same one flips. */
export function nextSort(params: QueueParams, field: IncidentSortField): Pick<QueueParams, "sort" | "dir"> {
  if (params.sort === field) return { sort: field, dir: params.dir === "ASC" ? "DESC" : "ASC" };
  // Highest priority and least time left come first.
  return { sort: field, dir: field === "priority" || field === "slaDueAt" ? "ASC" : "DESC" };
}
