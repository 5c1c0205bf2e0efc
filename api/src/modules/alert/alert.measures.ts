import type { MeasureDefinition, MetricSource } from "../metrics/metrics.registry";

/** Event management's measure: how much of the incident load monitoring opened before a person reported it. */
export function alertMeasures(identifiedIncidents: MetricSource): MeasureDefinition[] {
  return [
    {
      id: "alertOpenedShare",
      description:
        "Share of incidents identified in the bucket (`identifiedAt`) that correlation opened from an alert (`Incident.alertOrigin`), " +
        "rather than a person. Alerts attached to an incident a person opened do not count. Unit: ratio 0–1.",
      unit: "ratio",
      source: identifiedIncidents,
      aggregate: "avg((EXISTS (SELECT 1 FROM alert_incident ai WHERE ai.incident_id = i.id))::int)",
      empty: null,
    },
  ];
}
