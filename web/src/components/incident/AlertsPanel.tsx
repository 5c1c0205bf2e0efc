"use client";

import { useEffect } from "react";
import { IncidentAlertsDocument } from "@/graphql/generated";
import { useQuery } from "@/lib/hooks";
import { exactTime } from "@/lib/format";
import { useIncident } from "./context";

/** The alerts grouped into this incident, with their counts and when they were seen. */
export function AlertsPanel() {
  const { incident, changeTick } = useIncident();
  const alerts = useQuery(IncidentAlertsDocument, { id: incident.id });
  const reload = alerts.reload;
  useEffect(() => {
    void reload();
  }, [changeTick, reload]);
  const rows = alerts.data?.incident.alerts ?? [];
  if (!rows.length) return null;
  return (
    <section className="card" aria-labelledby="incident-alerts-title">
      <h2 id="incident-alerts-title">Alerts ({rows.length})</h2>
      {alerts.data?.incident.alertOrigin && <p className="muted">Opened from an alert.</p>}
      <ul>
        {rows.map((a) => (
          <li key={a.id}>
            {a.title} — {a.status}, {a.count}×, last seen {exactTime(a.lastSeenAt)} ({a.integrationName})
          </li>
        ))}
      </ul>
    </section>
  );
}
