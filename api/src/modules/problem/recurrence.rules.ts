import { CandidateStatus } from "./problem-candidate.entity";

/** What reconciliation needs of a stored candidate. */
export interface StoredCandidate {
  id: string;
  status: CandidateStatus;
  groupKey: string;
  incidentIds: readonly string[];
  dismissedIncidentIds: readonly string[];
  decidedAt: Date | null;
}

/** A group from the recurrence pass, reduced to its incidents that have no problem. */
export interface FoundGroup {
  key: string;
  members: ReadonlyArray<{ id: string; createdAt: Date }>;
}

export type Reconciliation =
  | { action: "none" }
  | { action: "create" }
  | { action: "update"; candidateId: string }
  | { action: "reopen"; candidateId: string; newIncidentIds: string[] }
  | { action: "gone"; candidateId: string; reason: string };

/**
 * The stored candidate a group continues: an open one with the same key, else the open or
 * dismissed one sharing most incidents with it (a rebuild may give a group another oldest member).
 * Accepted and merged candidates are never continued: their incidents have a problem now.
 */
export function matchCandidate(group: FoundGroup, stored: readonly StoredCandidate[]): StoredCandidate | null {
  const live = stored.filter((c) => c.status === CandidateStatus.open || c.status === CandidateStatus.dismissed);
  const sameKey = live.find((c) => c.status === CandidateStatus.open && c.groupKey === group.key);
  if (sameKey) return sameKey;
  const ids = new Set(group.members.map((m) => m.id));
  let best: StoredCandidate | null = null;
  let bestOverlap = 0;
  for (const c of live) {
    const overlap = new Set([...c.incidentIds, ...c.dismissedIncidentIds].filter((id) => ids.has(id))).size;
    if (overlap > bestOverlap || (overlap === bestOverlap && overlap > 0 && best?.status === CandidateStatus.dismissed && c.status === CandidateStatus.open)) {
      best = c;
      bestOverlap = overlap;
    }
  }
  return best;
}

/** Incidents of the group that are new since it was dismissed: not among its incidents then, and opened after. */
export function growthSinceDismissal(candidate: StoredCandidate, group: FoundGroup): string[] {
  const known = new Set(candidate.dismissedIncidentIds);
  const since = candidate.decidedAt?.getTime() ?? -Infinity;
  return group.members.filter((m) => !known.has(m.id) && m.createdAt.getTime() > since).map((m) => m.id);
}

/**
 * What to do with a group of incidents without a problem, given the candidate it continues:
 * at least `minIncidents` of them make (or keep) an open candidate; fewer make an open one go;
 * a dismissed one comes back only when incidents newer than the dismissal joined it.
 */
export function reconcileGroup(group: FoundGroup, match: StoredCandidate | null, minIncidents: number): Reconciliation {
  const big = group.members.length >= minIncidents;
  if (!match) return big ? { action: "create" } : { action: "none" };
  if (match.status === CandidateStatus.open) {
    if (!big) return { action: "gone", candidateId: match.id, reason: goneReason(group.members.length, minIncidents) };
    return sameSet(match.incidentIds, group.members.map((m) => m.id)) ? { action: "none" } : { action: "update", candidateId: match.id };
  }
  if (match.status === CandidateStatus.dismissed && big) {
    const grown = growthSinceDismissal(match, group);
    if (grown.length) return { action: "reopen", candidateId: match.id, newIncidentIds: grown };
  }
  return { action: "none" };
}

export function goneReason(left: number, minIncidents: number): string {
  return left === 0
    ? "all of its incidents were linked to problems"
    : `only ${left} of its incidents are without a problem now (a candidate needs ${minIncidents})`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const s = new Set(a);
  return b.every((x) => s.has(x));
}
