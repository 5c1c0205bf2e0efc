/**
 * Record numbers as people write them: a prefix and six digits (INC-000123, PRB-000007). The
 * number itself is a database sequence (`@Generated("increment")`) on each record's table.
 */
export function formatRecordKey(prefix: string, number: number): string {
  return `${prefix}-${String(number).padStart(6, "0")}`;
}

/** Parses "PRB-000123", "prb-123", "prb123" or "123" for the given prefix; null when it is none of those. */
export function parseRecordKey(prefix: string, value: string): number | null {
  const match = new RegExp(`^(?:${prefix}-?)?0*(\\d{1,9})$`, "i").exec(value.trim());
  return match ? Number(match[1]) : null;
}
