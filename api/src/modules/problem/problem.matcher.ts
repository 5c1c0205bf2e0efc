import type { DataSource } from "typeorm";
import { formatIncidentNumber } from "../incident/incident.rules";
import { SuggestionKind } from "../suggestion/suggestion.entity";
import type { SuggestionDraft } from "../suggestion/suggestion.service";
import { OPEN_PROBLEM_STAGES } from "./problem.lifecycle";
import { KNOWN_ERROR_STAGES, formatProblemNumber } from "./problem.rules";

/** At most this many problem suggestions per incident. */
const MAX_PROBLEM_SUGGESTIONS = 3;
const MAX_SHARED_TERMS = 8;

interface MatchRow {
  incident_id: string;
  incident_number: number;
  problem_id: string;
  problem_number: number;
  title: string;
}

/**
 * Problem suggestions from the similar-incident hits (the same text model): a problem that is
 * still open, or a known error, whose linked incidents are among the hits. Its score is its best
 * hit's; the reasons name the matched incidents, the shared words and whether the service matches.
 */
export async function matchProblems(dataSource: DataSource, similar: SuggestionDraft[]): Promise<SuggestionDraft[]> {
  const hits = similar.filter((d) => d.kind === SuggestionKind.similar && !d.abstained && d.value);
  const model = { modelId: similar[0]?.modelId ?? null, modelVersion: similar[0]?.modelVersion ?? null };
  const none = (reason: string): SuggestionDraft[] => [
    { kind: SuggestionKind.problem, value: null, label: null, confidence: null, reasons: {}, abstained: true, abstainReason: reason, rank: 1, ...model },
  ];
  if (hits.length === 0) return none(similar[0]?.abstainReason ?? "no similar past incident to match problems through");
  const rows = (await dataSource.query(
    `SELECT l.incident_id, i.number AS incident_number, p.id AS problem_id, p.number AS problem_number, p.title
       FROM problem_incident l
       JOIN problem p ON p.id = l.problem_id
       JOIN incident i ON i.id = l.incident_id
      WHERE l.incident_id = ANY($1::uuid[])
        AND (p.stage::text = ANY($2::text[]) OR (p.stage::text = ANY($3::text[]) AND coalesce(btrim(p.workaround), '') <> ''))`,
    [hits.map((h) => h.value), OPEN_PROBLEM_STAGES, KNOWN_ERROR_STAGES],
  )) as MatchRow[];
  if (rows.length === 0) return none("none of its similar past incidents belongs to an open problem or a known error");

  const byProblem = new Map<string, { row: MatchRow; score: number; incidents: string[]; terms: Set<string>; sameService: boolean }>();
  for (const hit of hits) {
    for (const row of rows.filter((r) => r.incident_id === hit.value)) {
      const entry = byProblem.get(row.problem_id) ?? { row, score: 0, incidents: [], terms: new Set<string>(), sameService: false };
      entry.score = Math.max(entry.score, hit.confidence ?? 0);
      entry.incidents.push(formatIncidentNumber(row.incident_number));
      for (const term of (hit.reasons.sharedTerms as string[] | undefined) ?? []) entry.terms.add(term);
      entry.sameService ||= hit.reasons.sameService === true;
      byProblem.set(row.problem_id, entry);
    }
  }
  return [...byProblem.values()]
    .sort((a, b) => b.score - a.score || b.incidents.length - a.incidents.length)
    .slice(0, MAX_PROBLEM_SUGGESTIONS)
    .map((m, i) => ({
      kind: SuggestionKind.problem,
      value: m.row.problem_id,
      label: `${formatProblemNumber(m.row.problem_number)} ${m.row.title}`.slice(0, 400),
      confidence: m.score,
      reasons: { matchedIncidents: m.incidents, sharedTerms: [...m.terms].slice(0, MAX_SHARED_TERMS), sameService: m.sameService },
      abstained: false,
      abstainReason: null,
      rank: i + 1,
      ...model,
    }));
}
