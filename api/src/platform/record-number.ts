/** Human record numbers (INC-000123, CHG-000007): a prefix and six digits. */
export function formatRecordNumber(prefix: string, number: number): string {
  return `${prefix}-${String(number).padStart(6, "0")}`;
}

/** Parses "PFX-000123", "pfx-123", "pfx123" or "123". */
export function parseRecordNumber(prefix: string, value: string): number | null {
  const match = new RegExp(`^(?:${prefix}-?)?0*(\\d{1,9})$`, "i").exec(value.trim());
  return match ? Number(match[1]) : null;
}
