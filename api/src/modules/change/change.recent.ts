import type { RiskLevel } from "./change.entity";

/** A change that touched the incident's service or one it depends on, around the incident's start. */
export interface RecentCandidate {
  changeId: string;
  label: string;
  start: Date;
  /** Null while still implementing. */
  end: Date | null;
  riskLevel: RiskLevel | null;
  riskScore: number | null;
  /** The incident's own service (true) or one it depends on (false). */
  sameService: boolean;
  serviceName: string;
}

export interface RankedChange {
  changeId: string;
  score: number;
  hoursBefore: number;
  reason: string;
}

const HOUR_MS = 3_600_000;
/** A risk score at or above this counts as fully risky for ranking. */
const RISK_SCORE_CAP = 10;

/**
 * Ranks by closeness in time (most of the weight), then risk, then whether the change was on the
 * incident's own service. A change still running when the incident opened is closest of all.
 */
export function rankRecentChanges(incidentAt: Date, lookbackHours: number, candidates: readonly RecentCandidate[]): RankedChange[] {
  const ranked = candidates.map((c) => {
    const end = c.end ?? incidentAt;
    const running = c.start.getTime() <= incidentAt.getTime() && end.getTime() >= incidentAt.getTime();
    const hoursBefore = running ? 0 : Math.max(0, (incidentAt.getTime() - end.getTime()) / HOUR_MS);
    const closeness = Math.max(0, 1 - hoursBefore / lookbackHours);
    const risk = Math.min(1, (c.riskScore ?? 0) / RISK_SCORE_CAP);
    const score = Math.round((0.6 * closeness + 0.25 * risk + (c.sameService ? 0.15 : 0)) * 1000) / 1000;
    const when = running ? "was in progress when the incident opened" : `ended ${formatHours(hoursBefore)} before the incident opened`;
    const where = c.sameService ? `on ${c.serviceName}, the incident's service` : `on ${c.serviceName}, which the incident's service depends on`;
    const riskText = c.riskLevel ? `; ${c.riskLevel} risk (score ${c.riskScore})` : "; risk not assessed";
    return { changeId: c.changeId, score, hoursBefore, reason: `${c.label} ${when}, ${where}${riskText}` };
  });
  return ranked.sort((a, b) => b.score - a.score || a.hoursBefore - b.hoursBefore);
}

function formatHours(hours: number): string {
  if (hours < 1) return `${Math.max(1, Math.round(hours * 60))} min`;
  return `${Math.round(hours * 10) / 10} h`;
}
