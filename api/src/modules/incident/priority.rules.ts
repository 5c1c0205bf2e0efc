/**
 * ITIL priority: impact (1 = extensive, 3 = minor) × urgency (1 = critical, 3 = low) → P1-P5.
 * The matrix is data (the priority_rule table), so organisations can change it; this is the default.
 */
export type PriorityMatrix = ReadonlyArray<{ impact: number; urgency: number; priority: number }>;

export const DEFAULT_PRIORITY_MATRIX: PriorityMatrix = [
  { impact: 1, urgency: 1, priority: 1 },
  { impact: 1, urgency: 2, priority: 2 },
  { impact: 1, urgency: 3, priority: 3 },
  { impact: 2, urgency: 1, priority: 2 },
  { impact: 2, urgency: 2, priority: 3 },
  { impact: 2, urgency: 3, priority: 4 },
  { impact: 3, urgency: 1, priority: 3 },
  { impact: 3, urgency: 2, priority: 4 },
  { impact: 3, urgency: 3, priority: 5 },
];

export const LEVELS = [1, 2, 3] as const;

export function priorityFor(matrix: PriorityMatrix, impact: number, urgency: number): number {
  const cell = matrix.find((c) => c.impact === impact && c.urgency === urgency);
  if (!cell) throw new RangeError(`No priority defined for impact ${impact} and urgency ${urgency}`);
  return cell.priority;
}

/** A matrix is valid when it covers all nine cells exactly once with priorities 1-5. */
export function validateMatrix(matrix: PriorityMatrix): string | null {
  if (matrix.length !== 9) return `the matrix needs 9 cells (3 impacts × 3 urgencies), got ${matrix.length}`;
  for (const impact of LEVELS) {
    for (const urgency of LEVELS) {
      const cells = matrix.filter((c) => c.impact === impact && c.urgency === urgency);
      if (cells.length !== 1) return `impact ${impact} × urgency ${urgency} must appear exactly once`;
      const p = cells[0].priority;
      if (!Number.isInteger(p) || p < 1 || p > 5) return `priority for impact ${impact} × urgency ${urgency} must be 1-5, got ${p}`;
    }
  }
  return null;
}
