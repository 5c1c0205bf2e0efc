import DataLoader from "dataloader";
import type { SlaService } from "./sla.service";
import type { IncidentSla } from "./sla.types";
import type { SlaClock } from "./sla.entity";

/** A page of incidents costs two queries for their SLA state (clocks, then policies and calendars). */
export function createSlaLoaders(sla: SlaService) {
  return {
    incidentSla: new DataLoader<string, IncidentSla | null>(async (ids) => {
      const byIncident = new Map<string, SlaClock[]>();
      for (const c of await sla.clocksOf(ids)) byIncident.set(c.incidentId, [...(byIncident.get(c.incidentId) ?? []), c]);
      const states = await sla.states(byIncident);
      return ids.map((id) => states.get(id) ?? null);
    }),
  };
}
