/**
 * Timeline text: what happened, written as a person would say it ("Commander: Dana Database"),
 * never as field names. Every timeline message about a changed field comes from here.
 */

/** Where a change came from, when it was not typed in directly. */
export enum ChangeOrigin {
  acceptedSuggestion = "accepted suggestion",
  correctedSuggestion = "corrected suggestion",
}

/** The incident fields whose changes the timeline reports. */
export type TimelineField =
  | "title"
  | "description"
  | "serviceId"
  | "category"
  | "impact"
  | "urgency"
  | "priority"
  | "severity"
  | "resolution"
  | "isMajor"
  | "commanderId"
  | "communicationsLeadId"
  | "scribeId"
  | "assigneeId"
  | "teamId";

export interface FieldChange {
  field: TimelineField;
  /** The new value: an id for the reference fields, which `names` turns into a name. */
  to: string | number | boolean | null;
}

/** Display names for the ids in a change; an id without a name shows as "someone"/"a team". */
export interface TimelineNames {
  users: ReadonlyMap<string, string>;
  teams: ReadonlyMap<string, string>;
  services: ReadonlyMap<string, string>;
}

/** ITIL levels: 1 is the highest. */
const LEVEL = ["", "high", "medium", "low"];
const level = (v: unknown) => `${String(v)}${LEVEL[Number(v)] ? ` (${LEVEL[Number(v)]})` : ""}`;

const ROLE_LABEL: Partial<Record<TimelineField, string>> = {
  commanderId: "Commander",
  communicationsLeadId: "Communications lead",
  scribeId: "Scribe",
};

function quote(text: string, max = 120): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return `"${oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine}"`;
}

export function describeChange(change: FieldChange, names: TimelineNames): string {
  const v = change.to;
  const id = typeof v === "string" ? v : "";
  switch (change.field) {
    case "title":
      return `Title changed to ${quote(String(v ?? ""))}`;
    case "description":
      return "Description edited";
    case "serviceId":
      return v ? `Service set to ${names.services.get(id) ?? "another service"}` : "Service cleared";
    case "category":
      return v ? `Category set to ${String(v)}` : "Category cleared";
    case "impact":
      return `Impact set to ${level(v)}`;
    case "urgency":
      return `Urgency set to ${level(v)}`;
    case "priority":
      return `Priority is now P${String(v)}`;
    case "severity":
      return v ? `Severity set to ${String(v)}` : "Severity cleared";
    case "resolution":
      return v ? "Resolution recorded" : "Resolution cleared";
    case "isMajor":
      return v ? "Declared a major incident" : "No longer a major incident";
    case "commanderId":
    case "communicationsLeadId":
    case "scribeId":
      return v ? `${ROLE_LABEL[change.field]}: ${names.users.get(id) ?? "someone"}` : `${ROLE_LABEL[change.field]} removed`;
    case "assigneeId":
      return v ? `Assigned to ${names.users.get(id) ?? "someone"}` : "Unassigned";
    case "teamId":
      return v ? `Team set to ${names.teams.get(id) ?? "another team"}` : "Team cleared";
  }
}

/** One timeline line for changes made together, e.g. "Severity set to SEV1 (accepted suggestion)". */
export function describeChanges(changes: readonly FieldChange[], names: TimelineNames, via?: ChangeOrigin): string {
  const text = changes.map((c) => describeChange(c, names)).join("; ");
  return via ? `${text} (${via})` : text;
}

/** The ids in a set of changes, by what they name, so the caller can look the names up in one go. */
export function referencedIds(changes: readonly FieldChange[]): { users: string[]; teams: string[]; services: string[] } {
  const ids = (fields: TimelineField[]) => changes.filter((c) => fields.includes(c.field) && typeof c.to === "string").map((c) => c.to as string);
  return {
    users: ids(["commanderId", "communicationsLeadId", "scribeId", "assigneeId"]),
    teams: ids(["teamId"]),
    services: ids(["serviceId"]),
  };
}
