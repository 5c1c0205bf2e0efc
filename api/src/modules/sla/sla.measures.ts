import type { MeasureDefinition, MetricSource } from "../metrics/metrics.registry";
import { SlaClockKind } from "./sla.entity";

/** 1 when the incident's clock of this kind finished within its target, 0 when it breached, NULL while it runs (avg skips NULLs). */
const metTarget = (kind: SlaClockKind) =>
  `(SELECT CASE WHEN c.breached_at IS NOT NULL THEN 0 WHEN c.stopped_at IS NOT NULL THEN 1 END FROM sla_clock c WHERE c.incident_id = i.id AND c.kind = '${kind}')`;

/** SLA compliance per clock kind, over the incidents identified in the bucket (their stored clocks, `sla_clock`). */
export function slaMeasures(identifiedIncidents: MetricSource): MeasureDefinition[] {
  const measure = (id: string, kind: SlaClockKind, what: string): MeasureDefinition => ({
    id,
    description:
      `Share of incidents identified in the bucket (\`identifiedAt\`) whose ${what} clock met its target: finished (\`stoppedAt\`) without a breach (\`breachedAt\`). ` +
      "A breached clock counts as missed even while it still runs; clocks still running without a breach, and incidents with no SLA policy, are left out. Unit: ratio 0–1.",
    unit: "ratio",
    source: identifiedIncidents,
    aggregate: `avg(${metTarget(kind)})`,
    empty: null,
  });
  return [
    measure("slaResponseCompliance", SlaClockKind.response, "response (until acknowledged or assigned)"),
    measure("slaResolutionCompliance", SlaClockKind.resolution, "resolution (until recovered)"),
  ];
}
