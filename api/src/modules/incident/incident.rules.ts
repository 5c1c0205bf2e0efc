/** Incident numbers as people write them. */
export function formatIncidentNumber(number: number): string {
  return `INC-${String(number).padStart(6, "0")}`;
}

/** Parses "INC-000123", "inc-123" or "123". */
export function parseIncidentNumber(value: string): number | null {
  const match = /^(?:inc-?)?0*(\d{1,9})$/i.exec(value.trim());
  return match ? Number(match[1]) : null;
}
