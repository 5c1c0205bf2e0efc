"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { useSession } from "@/components/AppShell";
import { EnumSelect } from "@/components/EnumSelect";
import { NamedOptions } from "@/components/NamedOptions";
import { ErrorText } from "@/components/Notices";
import {
  AlertListDocument,
  AlertSourceValues,
  AlertStatusValues,
  IncidentPickDocument,
  LookupsDocument,
  MergeAlertsDocument,
  MoveAlertsDocument,
  SplitAlertDocument,
  type AlertFilter,
  type AlertSource,
  type AlertStatus,
} from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { exactTime, OPEN_STAGES } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { canWriteIncidents } from "@/lib/roles";

/** Keys typed in these are text, not commands. */
const TYPING = new Set(["INPUT", "TEXTAREA", "SELECT"]);
const isTyping = (el: EventTarget | null) => el instanceof HTMLElement && TYPING.has(el.tagName) && !(el instanceof HTMLInputElement && el.type === "checkbox");

/**
 * Alerts from monitoring: filters, each alert's count, first and last seen and incident. Agents
 * move (to an incident they search for), merge or split alerts with a click or the keyboard:
 * j/k move the cursor, x selects, m moves, g merges, s splits. The API audits each choice.
 */
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
  const [cursor, setCursor] = useState(-1);
  const [picking, setPicking] = useState(false);
  const cursorRow = cursor >= 0 ? rows[cursor] : undefined;
  // The selection, or else the row under the cursor: what the actions apply to.
  const targets = selected.length ? rows.filter((r) => selected.includes(r.id)) : cursorRow ? [cursorRow] : [];
  const refs = targets.map((r) => ({ id: r.id, version: r.version }));

  async function act(run: () => Promise<unknown>) {
    setActionError(null);
    setPicking(false);
    try {
      await run();
      setSelected([]);
      await list.reload();
    } catch (err) {
      setActionError(describeError(err));
    }
  }
  const merge = () => act(() => gql(MergeAlertsDocument, { input: { alerts: refs } }));
  const split = () => act(() => gql(SplitAlertDocument, { input: refs[0] }));
  const move = (incidentId: string) => act(() => gql(MoveAlertsDocument, { input: { alerts: refs, incidentId } }));
  const toggle = (id: string, on: boolean) => setSelected((s) => (on ? [...s, id] : s.filter((x) => x !== id)));

  // Keyboard commands (agents only); the latest state is read through a ref so one listener serves.
  const keys = useRef<(e: KeyboardEvent) => void>(() => undefined);
  keys.current = (e: KeyboardEvent) => {
    if (!canAct || picking || e.altKey || e.ctrlKey || e.metaKey || isTyping(e.target)) return;
    const go = (index: number) => {
      const next = Math.max(0, Math.min(rows.length - 1, index));
      setCursor(next);
      if (rows[next]) document.getElementById(`alert-check-${rows[next].id}`)?.focus();
    };
    const command: Record<string, () => void> = {
      j: () => go(cursor + 1),
      ArrowDown: () => go(cursor + 1),
      k: () => go(cursor - 1),
      ArrowUp: () => go(cursor - 1),
      x: () => cursorRow && toggle(cursorRow.id, !selected.includes(cursorRow.id)),
      m: () => refs.length > 0 && setPicking(true),
      g: () => refs.length > 1 && void merge(),
      s: () => refs.length === 1 && void split(),
    };
    const run = command[e.key];
    if (!run || rows.length === 0) return;
    e.preventDefault();
    run();
  };
  useEffect(() => {
    const listener = (e: KeyboardEvent) => keys.current(e);
    document.addEventListener("keydown", listener);
    return () => document.removeEventListener("keydown", listener);
  }, []);

  return (
    <section aria-labelledby="alerts-title">
      <div className="page-head">
        <h1 id="alerts-title">Alerts</h1>
        {canAct && (
          <div className="actions">
            <button type="button" disabled={refs.length < 1} aria-expanded={picking} aria-controls="move-picker" onClick={() => setPicking(true)} aria-keyshortcuts="m">
              Move to incident…
            </button>
            <button type="button" disabled={refs.length < 2} onClick={() => void merge()} aria-keyshortcuts="g">
              Merge selected
            </button>
            <button type="button" disabled={refs.length !== 1} onClick={() => void split()} aria-keyshortcuts="s">
              Split into new incident
            </button>
          </div>
        )}
      </div>
      {canAct && (
        <p className="muted" id="alert-keys">
          Keyboard: <kbd>j</kbd>/<kbd>k</kbd> next or previous alert, <kbd>x</kbd> select it, <kbd>m</kbd> move to an incident, <kbd>g</kbd> merge, <kbd>s</kbd> split off. Without a
          selection, the actions apply to the alert under the cursor.
        </p>
      )}
      {picking && <IncidentPicker count={refs.length} onPick={(id) => void move(id)} onClose={() => setPicking(false)} />}
      <form className="filters card" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          Status
          <EnumSelect values={AlertStatusValues} empty="Firing or resolved" value={status} onChange={setStatus} />
        </label>
        <label className="field">
          Source
          <EnumSelect values={AlertSourceValues} empty="Any source" value={source} onChange={setSource} />
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
            {rows.map((a, index) => (
              <tr key={a.id} className={index === cursor ? "cursor" : undefined}>
                {canAct && (
                  <td>
                    <input
                      id={`alert-check-${a.id}`}
                      type="checkbox"
                      aria-label={`Select ${a.title}`}
                      aria-describedby="alert-keys"
                      checked={selected.includes(a.id)}
                      onFocus={() => setCursor(index)}
                      onChange={(e) => toggle(a.id, e.target.checked)}
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
                <td className="nowrap">{exactTime(a.firstSeenAt)}</td>
                <td className="nowrap">{exactTime(a.lastSeenAt)}</td>
                <td>{a.service?.name ?? "—"}</td>
                <td className="nowrap">{a.incident ? <Link href={`/incidents/${a.incident.key}`}>{a.incident.key}</Link> : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The incident an alert moves to: open incidents matching the typed words, newest first. Enter takes the first. */
function IncidentPicker({ count, onPick, onClose }: { count: number; onPick: (incidentId: string) => void; onClose: () => void }) {
  const [search, setSearch] = useState("");
  const found = useQuery(IncidentPickDocument, { filter: { stage: OPEN_STAGES, ...(search.trim() ? { search: search.trim() } : {}) } });
  const options = found.data?.incidents.edges.map((e) => e.node) ?? [];
  return (
    <section
      id="move-picker"
      role="dialog"
      aria-labelledby="move-picker-title"
      className="card"
      onKeyDown={(e) => {
        if (e.key === "Escape") onClose();
      }}
    >
      <h2 id="move-picker-title">
        Move {count} alert{count === 1 ? "" : "s"} to an incident
      </h2>
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (options[0]) onPick(options[0].id);
        }}
      >
        <label htmlFor="move-search">Find an open incident (words of its title; Enter takes the first, Escape cancels)</label>
        <input id="move-search" type="search" autoFocus autoComplete="off" value={search} onChange={(e) => setSearch(e.target.value)} />
      </form>
      <ul className="plain" aria-live="polite" aria-label="Matching incidents">
        {options.length === 0 && !found.loading && <li className="muted">No open incident matches.</li>}
        {options.map((i) => (
          <li key={i.id}>
            <button type="button" onClick={() => onPick(i.id)}>
              {i.key}: {i.title}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={onClose}>
        Cancel
      </button>
    </section>
  );
}
