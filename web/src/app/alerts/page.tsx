"use client";

import Link from "next/link";
import { useState } from "react";
import { useSession } from "@/components/AppShell";
import { NamedOptions } from "@/components/NamedOptions";
import { ErrorText } from "@/components/Notices";
import { AlertListDocument, AlertSourceValues, AlertStatusValues, LookupsDocument, MergeAlertsDocument, SplitAlertDocument, type AlertFilter, type AlertSource, type AlertStatus } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { useQuery } from "@/lib/hooks";
import { canWriteIncidents } from "@/lib/roles";

const when = (iso: string) => new Date(iso).toLocaleString();

/** Alerts from monitoring: filters, each alert's count, first and last seen and incident; agents merge or split. */
export default function AlertsPage() {
  const { user } = useSession();
  const [status, setStatus] = useState<AlertStatus | "">("firing");
  const [source, setSource] = useState<AlertSource | "">("");
  const [serviceId, setServiceId] = useState("");
  const [selected, setSelected] = useState<string[]>([]);
  const [actionError, setActionError] = useState<string | null>(null);
  const filter: AlertFilter = { ...(status ? { status } : {}), ...(source ? { source } : {}), ...(serviceId ? { serviceId } : {}) };
  const list = useQuery(AlertListDocument, { filter, first: 100 });
  const lookups = useQuery(LookupsDocument, {});
  const rows = list.data?.alerts.edges.map((e) => e.node) ?? [];
  const canAct = canWriteIncidents(user?.role);
  const refs = rows.filter((r) => selected.includes(r.id)).map((r) => ({ id: r.id, version: r.version }));

  async function act(run: () => Promise<unknown>) {
    setActionError(null);
    try {
      await run();
      setSelected([]);
      await list.reload();
    } catch (err) {
      setActionError(describeError(err));
    }
  }

  return (
    <section aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">Alerts</h1>
        {canAct && (
          <div className="actions">
            <button type="button" disabled={refs.length < 2} onClick={() => act(() => gql(MergeAlertsDocument, { input: { alerts: refs } }))} aria-keyshortcuts="m">
              Merge selected
            </button>
            <button type="button" disabled={refs.length !== 1} onClick={() => act(() => gql(SplitAlertDocument, { input: refs[0] }))} aria-keyshortcuts="s">
              Split into new incident
            </button>
          </div>
        )}
      </div>
      <form className="filters card" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as AlertStatus | "")}>
            <option value="">Firing or resolved</option>
            {AlertStatusValues.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Source
          <select value={source} onChange={(e) => setSource(e.target.value as AlertSource | "")}>
            <option value="">Any source</option>
            {AlertSourceValues.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          Service
          <select value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <NamedOptions empty="Any service" items={lookups.data?.services ?? []} />
          </select>
        </label>
      </form>
      <ErrorText message={actionError ?? (list.error ? describeError(list.error) : null)} />
      <p className="muted" aria-live="polite">
        {list.loading ? "Loading…" : `${list.data?.alerts.totalCount ?? 0} alert(s)`}
      </p>
      <div className="table-wrap">
        <table className="queue">
          <thead>
            <tr>
              {canAct && <th scope="col">Select</th>}
              <th scope="col">Alert</th>
              <th scope="col">Status</th>
              <th scope="col">Severity</th>
              <th scope="col">Count</th>
              <th scope="col">First seen</th>
              <th scope="col">Last seen</th>
              <th scope="col">Service</th>
              <th scope="col">Incident</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id}>
                {canAct && (
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Select ${a.title}`}
                      checked={selected.includes(a.id)}
                      onChange={(e) => setSelected((s) => (e.target.checked ? [...s, a.id] : s.filter((id) => id !== a.id)))}
                    />
                  </td>
                )}
                <td>
                  {a.title}
                  <div className="muted">
                    {a.integrationName} ({a.source}){a.flapping ? " · flapping, held back" : ""}
                    {a.suppressed ? ` · ${a.suppressedReason ?? "suppressed"}` : ""}
                  </div>
                </td>
                <td>{a.status}</td>
                <td>{a.severity}</td>
                <td>{a.count}</td>
                <td className="nowrap">{when(a.firstSeenAt)}</td>
                <td className="nowrap">{when(a.lastSeenAt)}</td>
                <td>{a.service?.name ?? "—"}</td>
                <td>{a.incident ? <Link href={`/incidents/${a.incident.key}`}>{a.incident.key}</Link> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
