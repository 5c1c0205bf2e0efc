import { EMAIL_TOKEN, HEX_TOKEN, NUM_TOKEN, URL_TOKEN } from "../text/normalize";
import type { IncidentFeatures, PairScorer } from "./features";

/** Why a group of incidents looks like one recurring problem, in figures a problem manager can check. */
export interface ClusterEvidence {
  key: string;
  /** Oldest first. */
  incidentIds: string[];
  firstAt: Date | null;
  lastAt: Date | null;
  spanDays: number;
  /** Most incidents first. */
  services: Array<{ name: string; incidents: number }>;
  teams: Array<{ name: string; incidents: number }>;
  /** Words most of the incidents share, most telling first. */
  topTerms: string[];
  /** Mean text similarity over pairs of members, in [0, 1] (time and service not counted). */
  cohesion: number;
  /** Incidents per week over the time span (a span under a week counts as one week). */
  perWeek: number;
  /** Hours the incidents were open, summed; open ones count until `now`. */
  openHours: number;
}

const MARKERS = new Set([URL_TOKEN, EMAIL_TOKEN, HEX_TOKEN, NUM_TOKEN]);
const TOP_TERMS = 8;
/** Cohesion is computed over at most this many members (C(40, 2) = 780 pairs). */
const COHESION_SAMPLE = 40;
const DAY_MS = 86_400_000;

export function clusterEvidence(scorer: PairScorer, key: string, ids: readonly string[], now: Date): ClusterEvidence {
  const members = ids.map((id) => scorer.get(id)).filter((f): f is IncidentFeatures => f !== undefined);
  members.sort((a, b) => (a.createdAt ?? -Infinity) - (b.createdAt ?? -Infinity) || (a.id < b.id ? -1 : 1));
  const times = members.map((m) => m.createdAt).filter((t): t is number => t !== null);
  const first = times.length ? Math.min(...times) : null;
  const last = times.length ? Math.max(...times) : null;
  const spanDays = first !== null && last !== null ? (last - first) / DAY_MS : 0;
  let openMs = 0;
  for (const m of members) if (m.createdAt !== null) openMs += Math.max((m.resolvedAt ?? now.getTime()) - m.createdAt, 0);
  return {
    key,
    incidentIds: members.map((m) => m.id),
    firstAt: first !== null ? new Date(first) : null,
    lastAt: last !== null ? new Date(last) : null,
    spanDays,
    services: tally(members.map((m) => m.service)),
    teams: tally(members.map((m) => m.team)),
    topTerms: topTerms(scorer, members),
    cohesion: cohesion(scorer, members),
    perWeek: members.length / Math.max(spanDays / 7, 1),
    openHours: openMs / 3_600_000,
  };
}

function tally(values: readonly string[]): Array<{ name: string; incidents: number }> {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([name, incidents]) => ({ name, incidents }))
    .sort((a, b) => b.incidents - a.incidents || (a.name < b.name ? -1 : 1));
}

/** Terms in at least a third of the members (and two), ranked by members × idf: shared and rare. */
function topTerms(scorer: PairScorer, members: readonly IncidentFeatures[]): string[] {
  const inMembers = new Map<number, number>();
  for (const m of members) for (const t of m.termIds) inMembers.set(t, (inMembers.get(t) ?? 0) + 1);
  const need = Math.max(2, Math.ceil(members.length / 3));
  return [...inMembers]
    .filter(([t, n]) => n >= need && !MARKERS.has(scorer.term(t)))
    .map(([t, n]) => ({ term: scorer.term(t), weight: n * scorer.idf(t) }))
    .sort((a, b) => b.weight - a.weight || (a.term < b.term ? -1 : 1))
    .slice(0, TOP_TERMS)
    .map((x) => x.term);
}

function cohesion(scorer: PairScorer, members: readonly IncidentFeatures[]): number {
  const sample = members.slice(-COHESION_SAMPLE);
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < sample.length; i++) {
    for (let j = i + 1; j < sample.length; j++) {
      sum += scorer.textSimilarity(sample[i], sample[j]);
      pairs++;
    }
  }
  return pairs ? sum / pairs : 1;
}
