import { Severity } from "../incident/incident.entity";

const SEVERITY_WORDS: Record<string, Severity> = {};
const add = (sev: Severity, words: string[]) => words.forEach((w) => (SEVERITY_WORDS[w] = sev));
add(Severity.SEV1, ["sev1", "s1", "p1", "1", "sev0", "s0", "p0", "0", "critical", "blocker", "emergency", "urgent", "highest", "catastrophic"]);
add(Severity.SEV2, ["sev2", "s2", "p2", "2", "major", "high", "severe"]);
add(Severity.SEV3, ["sev3", "s3", "p3", "3", "medium", "moderate", "normal", "average"]);
add(Severity.SEV4, ["sev4", "s4", "p4", "4", "sev5", "s5", "p5", "5", "low", "minor", "trivial", "lowest", "enhancement", "info", "informational"]);

/**
 * Maps the severity words exports use (SEV1, P2, Blocker, critical, "3 - Moderate"...) onto ours.
 * null: the cell is empty; undefined: a word we don't know (the row is kept, the cell reported).
 */
export function mapSeverity(raw: string): Severity | null | undefined {
  const s = raw.trim().toLowerCase();
  if (!s) return null;
  const compact = s.replace(/[\s_-]+/g, "");
  if (SEVERITY_WORDS[compact]) return SEVERITY_WORDS[compact];
  // "3 - Moderate", "P2 (high)": try each word on its own, the first known one wins.
  for (const word of s.split(/[^a-z0-9]+/)) if (word && SEVERITY_WORDS[word]) return SEVERITY_WORDS[word];
  return undefined;
}

/** Impact and urgency an imported severity stands for (the matrix then gives the priority). */
export function impactUrgencyFor(severity: Severity | null): { impact: number; urgency: number } {
  switch (severity) {
    case Severity.SEV1:
      return { impact: 1, urgency: 1 };
    case Severity.SEV2:
      return { impact: 1, urgency: 2 };
    case Severity.SEV3:
      return { impact: 2, urgency: 2 };
    default:
      return { impact: 3, urgency: 3 };
  }
}

/** Names as the catalog stores them: trimmed, inner whitespace collapsed, at most 120 characters. */
export function catalogName(raw: string): string {
  return raw.trim().replace(/\s+/g, " ").slice(0, 120);
}
