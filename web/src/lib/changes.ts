import type { ChangeStage, ChangeType, RiskLevel } from "../graphql/generated";

export const CHANGE_STAGE_LABEL: Record<ChangeStage, string> = {
  draft: "Draft",
  assessing: "Assessing",
  authorized: "Authorized",
  scheduled: "Scheduled",
  implementing: "Implementing",
  reviewing: "Reviewing",
  closed: "Closed",
  rejected: "Rejected",
  cancelled: "Cancelled",
  failed: "Failed",
  rolled_back: "Rolled back",
};

/** The main path the stepper draws; side exits (rejected, failed, …) are shown where they left it. */
export const CHANGE_MAIN_PATH: ChangeStage[] = ["draft", "assessing", "authorized", "scheduled", "implementing", "reviewing", "closed"];

export const CHANGE_TYPE_LABEL: Record<ChangeType, string> = { standard: "Standard", normal: "Normal", emergency: "Emergency" };
export const RISK_LABEL: Record<RiskLevel, string> = { low: "Low risk", medium: "Medium risk", high: "High risk" };

/** Who may do what (mirrors the API's @Allow rules; the API refuses anyway). */
export const canRaiseChanges = (role: string | undefined): boolean => !!role && role !== "analyst";
export const canApproveChanges = (role: string | undefined): boolean => role === "change_manager" || role === "admin";

/** "Mon 8 Jun, 10:00 – 12:00" in the viewer's time zone. */
export function formatWindow(start: string | null, end: string | null): string {
  if (!start || !end) return "No window yet";
  const s = new Date(start);
  const e = new Date(end);
  const day = (d: Date) => d.toLocaleDateString(undefined, { weekday: "short", day: "numeric", month: "short" });
  const time = (d: Date) => d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return day(s) === day(e) ? `${day(s)}, ${time(s)} – ${time(e)}` : `${day(s)} ${time(s)} – ${day(e)} ${time(e)}`;
}
