import { formatRecordKey, parseRecordKey } from "../record/record-key";
import type { Incident } from "./incident.entity";
import { Stage } from "./incident.lifecycle";

/** Incident numbers as people write them. */
export function formatIncidentNumber(number: number): string {
  return formatRecordKey("INC", number);
}

/** Parses "INC-000123", "inc-123" or "123". */
export function parseIncidentNumber(value: string): number | null {
  return parseRecordKey("INC", value);
}

/** The stamp column each stage sets when an incident enters it. */
export const STAGE_STAMP: Record<Stage, keyof Incident> = {
  [Stage.identified]: "identifiedAt",
  [Stage.classified]: "classifiedAt",
  [Stage.assessed]: "assessedAt",
  [Stage.contained]: "containedAt",
  [Stage.eradicated]: "eradicatedAt",
  [Stage.recovered]: "recoveredAt",
  [Stage.reviewed]: "reviewedAt",
  [Stage.closed]: "closedAt",
  [Stage.cancelled]: "cancelledAt",
};
