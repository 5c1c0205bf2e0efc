"use client";

import { EnumSelect } from "@/components/EnumSelect";
import { useMemo, useState } from "react";
import { ErrorText } from "@/components/Notices";
import { IncidentMetricsDocument, MetricsGroupByValues, type DurationFragment, type MetricsGroupBy } from "@/graphql/generated";
import { ApiError, describeError } from "@/lib/errors";
import { minutes, percent } from "@/lib/format";
import { useQuery } from "@/lib/hooks";

const GROUP_LABEL: Record<MetricsGroupBy, string> = {
  none: "All incidents",
  priority: "Priority",
  severity: "Severity",
  service: "Service",
  team: "Team",
  month: "Month",
};

const WINDOWS = [
  { days: 7, label: "Last 7 days" },
  { days: 30, label: "Last 30 days" },
  { days: 90, label: "Last 90 days" },
  { days: 365, label: "Last 12 months" },
];

/** MTTA, MTTR and stage durations from the API's incidentMetrics (analysts and admins). */
export function IncidentMetricsCard() {
  const [groupBy, setGroupBy] = useState<MetricsGroupBy>("priority");
  const [days, setDays] = useState(30);
  // Whole minutes, so the window (and the query) stays stable across renders.
  const span = useMemo(() => {
    const to = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    return { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() };
  }, [days]);
  const q = useQuery(IncidentMetricsDocument, { groupBy, window: span });
  const forbidden = q.error instanceof ApiError && q.error.code === "FORBIDDEN";

  return (
    <div className="card">
      <h2>Incident response times</h2>
      {forbidden ? (
        <p className="muted">Response-time metrics are visible to analysts and admins.</p>
      ) : (
        <>
          <div className="inline-form">
            <div className="field">
              <label htmlFor="m-group">Group by</label>
              <EnumSelect id="m-group" values={MetricsGroupByValues} labels={GROUP_LABEL} value={groupBy} onChange={setGroupBy} />
            </div>
            <div className="field">
              <label htmlFor="m-window">Incidents identified in</label>
              <select id="m-window" value={days} onChange={(e) => setDays(Number(e.target.value))}>
                {WINDOWS.map((w) => (
                  <option key={w.days} value={w.days}>
                    {w.label}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <ErrorText message={q.error ? describeError(q.error) : null} />
          {q.data && (
            <div className="table-wrap flat">
              <table className="queue metrics">
                <caption className="sr-only">Median and 90th percentile durations per group</caption>
                <thead>
                  <tr>
                    <th scope="col">{GROUP_LABEL[groupBy]}</th>
                    <th scope="col">Incidents</th>
                    <th scope="col">Open</th>
                    <th scope="col">Time to acknowledge</th>
                    <th scope="col">Time to assess</th>
                    <th scope="col">Time to contain</th>
                    <th scope="col">Time to recover</th>
                    <th scope="col">Time to close</th>
                    <th scope="col">Reopened</th>
                  </tr>
                </thead>
                <tbody>
                  {q.data.incidentMetrics.groups.map((g) => (
                    <tr key={g.key}>
                      <th scope="row">{g.key === "all" ? "All" : g.key}</th>
                      <td>
                        {g.incidents}
                        {g.major > 0 && <span className="muted small"> ({g.major} major)</span>}
                      </td>
                      <td>{g.open}</td>
                      <DurationCell d={g.timeToAcknowledge} />
                      <DurationCell d={g.timeToAssess} />
                      <DurationCell d={g.timeToContain} />
                      <DurationCell d={g.timeToRecover} />
                      <DurationCell d={g.timeToClose} />
                      <td>
                        {percent(g.reopenRate)} <span className="muted small">({g.reopened})</span>
                      </td>
                    </tr>
                  ))}
                  {q.data.incidentMetrics.groups.length === 0 && (
                    <tr>
                      <td colSpan={9} className="empty">
                        No incidents in this window.
                      </td>
                    </tr>
                  )}
                </tbody>
              </table>
            </div>
          )}
          <p className="help">Each duration: median, with the 90th percentile below (n = incidents that reached that stage).</p>
        </>
      )}
    </div>
  );
}

function DurationCell({ d }: { d: DurationFragment }) {
  if (d.count === 0) return <td className="muted">—</td>;
  return (
    <td>
      {minutes(d.medianMinutes)}
      <br />
      <span className="muted small">
        p90 {minutes(d.p90Minutes)} · n={d.count}
      </span>
    </td>
  );
}
