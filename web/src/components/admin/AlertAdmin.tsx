"use client";

import { useState, type FormEvent } from "react";
import { EnumSelect } from "@/components/EnumSelect";
import { NamedOptions } from "@/components/NamedOptions";
import { ErrorText } from "@/components/Notices";
import {
  AlertIntegrationsAdminDocument,
  AlertSourceValues,
  CorrelationRulesAdminDocument,
  DeleteCorrelationRuleDocument,
  DeleteMaintenanceWindowDocument,
  DiscardAlertEventDocument,
  FailingAlertEventsDocument,
  LookupsDocument,
  MaintenanceWindowsAdminDocument,
  RetryAlertEventDocument,
  RevokeAlertIntegrationDocument,
  RotateAlertIntegrationTokenDocument,
  SaveAlertIntegrationDocument,
  SaveCorrelationRuleDocument,
  SaveMaintenanceWindowDocument,
  type AlertEventDeadReason,
  type AlertSource,
  type CorrelationRuleRowFragment,
} from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { SecretOnce } from "./SecretOnce";
import { useAdminAction } from "./useAdminAction";
import { AdminTable } from "./AdminTable";

const SOURCE_LABEL: Record<AlertSource, string> = { alertmanager: "Prometheus Alertmanager", pagerduty: "PagerDuty Events v2", generic: "Generic JSON webhook" };
const splitList = (text: string) => [...new Set(text.split(/[\s,]+/).filter(Boolean))];

/** Monitoring integrations: the token is shown once at creation; revoking disables it and kills the token. */
export function AlertIntegrationsAdmin() {
  const list = useQuery(AlertIntegrationsAdminDocument, {});
  const lookups = useQuery(LookupsDocument, {});
  const { error, act } = useAdminAction(list.reload);
  const [created, setCreated] = useState<{ name: string; source: AlertSource; token: string; rotated?: boolean } | null>(null);
  const empty = { name: "", source: "alertmanager" as AlertSource, serviceId: "", serviceLabel: "service", dedupFields: "", title: "", status: "", severity: "", dedupKey: "", service: "" };
  const [form, setForm] = useState(empty);
  const services = lookups.data?.services ?? [];

  const create = (e: FormEvent) => {
    e.preventDefault();
    return act(async () => {
      const optional = (path: string) => (path.trim() ? path.trim() : undefined);
      const { saveAlertIntegration } = await gql(SaveAlertIntegrationDocument, {
        input: {
          name: form.name,
          source: form.source,
          serviceId: form.serviceId || null,
          serviceLabel: form.serviceLabel,
          dedupFields: splitList(form.dedupFields),
          fieldMapping:
            form.source === "generic"
              ? { title: form.title.trim(), status: optional(form.status), severity: optional(form.severity), dedupKey: optional(form.dedupKey), service: optional(form.service) }
              : null,
          enabled: true,
        },
      });
      if (saveAlertIntegration.token) setCreated({ name: form.name, source: form.source, token: saveAlertIntegration.token });
      setForm(empty);
    });
  };

  return (
    <div>
      <ErrorText message={error ?? null} />
      {created && (
        <SecretOnce
          title={created.rotated ? `New token for “${created.name}”` : `Integration “${created.name}” created`}
          advice={`Copy its token now: it is shown only this once. The sender posts to /hooks/${created.source} with the header “Authorization: Bearer <token>”.`}
          secret={created.token}
          onDone={() => setCreated(null)}
        />
      )}
      <AdminTable caption="Alert integrations" captionHidden columns={["Name", "Source", "Token starts with", "Default service", "Fingerprint", "Token"]} empty="No integrations yet: no monitoring system may send alerts." isEmpty={list.data?.alertIntegrations.length === 0}>
        {list.data?.alertIntegrations.map((i) => (
          <tr key={i.id}>
            <th scope="row">{i.name}</th>
            <td>{SOURCE_LABEL[i.source]}</td>
            <td>
              <code>{i.tokenPrefix}…</code>
            </td>
            <td>{services.find((s) => s.id === i.serviceId)?.name ?? <span className="muted">from label “{i.serviceLabel}”</span>}</td>
            <td>{i.dedupFields.length ? i.dedupFields.join(", ") : <span className="muted">source’s dedup key or labels</span>}</td>
            <td>
              {i.enabled ? (
                <span className="actions">
                  <button
                    type="button"
                    onClick={() =>
                      void act(async () => {
                        const { rotateAlertIntegrationToken } = await gql(RotateAlertIntegrationTokenDocument, { id: i.id, version: i.version });
                        const token = rotateAlertIntegrationToken.token;
                        if (token) setCreated({ name: i.name, source: i.source, token, rotated: true });
                      })
                    }
                  >
                    New token <span className="sr-only">for {i.name}</span>
                  </button>
                  <button type="button" onClick={() => void act(() => gql(RevokeAlertIntegrationDocument, { id: i.id, version: i.version }))}>
                    Revoke <span className="sr-only">{i.name}</span>
                  </button>
                </span>
              ) : (
                <span className="badge">revoked</span>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
      <form className="card" onSubmit={(e) => void create(e)} aria-labelledby="integration-form">
        <h3 id="integration-form">Add an integration</h3>
        <label htmlFor="ai-name">Name</label>
        <input id="ai-name" required minLength={3} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <label htmlFor="ai-source">Source</label>
        <EnumSelect id="ai-source" values={AlertSourceValues} labels={SOURCE_LABEL} value={form.source} onChange={(source) => setForm({ ...form, source })} />
        <label htmlFor="ai-service">Default service (when an alert names none the catalog knows)</label>
        <select id="ai-service" value={form.serviceId} onChange={(e) => setForm({ ...form, serviceId: e.target.value })}>
          <NamedOptions empty="None" items={services} />
        </select>
        <label htmlFor="ai-label">Label naming the service</label>
        <input id="ai-label" required value={form.serviceLabel} onChange={(e) => setForm({ ...form, serviceLabel: e.target.value })} />
        <label htmlFor="ai-dedup">Fingerprint fields (comma-separated, e.g. labels.alertname; empty: the source’s dedup key, else its labels)</label>
        <input id="ai-dedup" value={form.dedupFields} onChange={(e) => setForm({ ...form, dedupFields: e.target.value })} />
        {form.source === "generic" && (
          <fieldset>
            <legend>Where the generic webhook’s fields are (dot paths into its JSON)</legend>
            <label htmlFor="ai-map-title">Title path</label>
            <input id="ai-map-title" required value={form.title} onChange={(e) => setForm({ ...form, title: e.target.value })} placeholder="check.name" />
            <label htmlFor="ai-map-status">Status path (resolved or ok resolve the alert)</label>
            <input id="ai-map-status" value={form.status} onChange={(e) => setForm({ ...form, status: e.target.value })} />
            <label htmlFor="ai-map-severity">Severity path</label>
            <input id="ai-map-severity" value={form.severity} onChange={(e) => setForm({ ...form, severity: e.target.value })} />
            <label htmlFor="ai-map-dedup">Dedup key path</label>
            <input id="ai-map-dedup" value={form.dedupKey} onChange={(e) => setForm({ ...form, dedupKey: e.target.value })} />
            <label htmlFor="ai-map-service">Service name path</label>
            <input id="ai-map-service" value={form.service} onChange={(e) => setForm({ ...form, service: e.target.value })} />
          </fieldset>
        )}
        <div className="actions">
          <button type="submit" className="primary">
            Add integration
          </button>
        </div>
      </form>
    </div>
  );
}

type RuleForm = { id?: string; version?: number; name: string; position: number; windowMinutes: number; matchLabels: string; groupLabels: string; sameService: boolean; createIncident: boolean; recoverIncident: boolean; enabled: boolean };
const NEW_RULE: RuleForm = { name: "", position: 100, windowMinutes: 30, matchLabels: "", groupLabels: "", sameService: true, createIncident: true, recoverIncident: true, enabled: true };
const labelsText = (labels: Record<string, unknown>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join("\n");
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf("=");
    if (at > 0) labels[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return labels;
}

/** Correlation rules, tried in position order: list, create, edit (version-checked) and delete. */
export function CorrelationRulesAdmin() {
  const list = useQuery(CorrelationRulesAdminDocument, {});
  const { error, act } = useAdminAction(list.reload);
  const [form, setForm] = useState<RuleForm>(NEW_RULE);
  const editing = !!form.id;

  const edit = (r: CorrelationRuleRowFragment) =>
    setForm({
      id: r.id,
      version: r.version,
      name: r.name,
      position: r.position,
      windowMinutes: r.windowMinutes,
      matchLabels: labelsText(r.matchLabels as Record<string, unknown>),
      groupLabels: r.groupLabels.join(", "),
      sameService: r.sameService,
      createIncident: r.createIncident,
      recoverIncident: r.recoverIncident,
      enabled: r.enabled,
    });

  const save = (e: FormEvent) => {
    e.preventDefault();
    return act(async () => {
      const { matchLabels, groupLabels, ...rest } = form;
      await gql(SaveCorrelationRuleDocument, { input: { ...rest, matchLabels: parseLabels(matchLabels), groupLabels: splitList(groupLabels) } });
      setForm(NEW_RULE);
    });
  };

  const check = (key: "sameService" | "createIncident" | "recoverIncident" | "enabled", label: string) => (
    <label className="check">
      <input type="checkbox" checked={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.checked })} /> {label}
    </label>
  );

  return (
    <div>
      <ErrorText message={error ?? null} />
      <AdminTable caption="Correlation rules, in the order they are tried (the first that matches decides)" columns={["Position", "Name", "Matches", "Groups by", "Window", "Incidents", "Actions"]} empty="No rules yet: alerts are stored but open no incidents." isEmpty={list.data?.correlationRules.length === 0}>
        {list.data?.correlationRules.map((r) => (
          <tr key={r.id}>
            <td>{r.position}</td>
            <th scope="row">
              {r.name}
              {!r.enabled && <span className="badge">off</span>}
            </th>
            <td>{Object.keys(r.matchLabels as object).length ? labelsText(r.matchLabels as Record<string, unknown>).replace(/\n/g, ", ") : "every alert"}</td>
            <td>{[r.sameService ? "same service" : null, r.groupLabels.length ? `labels ${r.groupLabels.join(", ")}` : null].filter(Boolean).join(" and ") || "—"}</td>
            <td>{r.windowMinutes} min</td>
            <td>{[r.createIncident ? "opens" : "joins only", r.recoverIncident ? "recovers" : null].filter(Boolean).join(", ")}</td>
            <td className="actions">
              <button type="button" onClick={() => edit(r)}>
                Edit <span className="sr-only">{r.name}</span>
              </button>
              <button type="button" onClick={() => void act(() => gql(DeleteCorrelationRuleDocument, { id: r.id, version: r.version }))}>
                Delete <span className="sr-only">{r.name}</span>
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
      <form className="card" onSubmit={(e) => void save(e)} aria-labelledby="rule-form">
        <h3 id="rule-form">{editing ? `Edit rule “${form.name}”` : "Add a rule"}</h3>
        <label htmlFor="cr-name">Name</label>
        <input id="cr-name" required minLength={3} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <label htmlFor="cr-position">Position (lower is tried first)</label>
        <input id="cr-position" type="number" min={0} required value={form.position} onChange={(e) => setForm({ ...form, position: Number(e.target.value) })} />
        <label htmlFor="cr-window">Window (minutes since the group’s last alert)</label>
        <input id="cr-window" type="number" min={1} max={10080} required value={form.windowMinutes} onChange={(e) => setForm({ ...form, windowMinutes: Number(e.target.value) })} />
        <label htmlFor="cr-match">Only alerts with these labels, one per line (name=value; empty: every alert)</label>
        <textarea id="cr-match" rows={2} value={form.matchLabels} onChange={(e) => setForm({ ...form, matchLabels: e.target.value })} />
        <label htmlFor="cr-group">Group alerts whose values of these labels are equal (comma-separated)</label>
        <input id="cr-group" value={form.groupLabels} onChange={(e) => setForm({ ...form, groupLabels: e.target.value })} />
        <div className="actions">
          {check("sameService", "Group by service")}
          {check("createIncident", "Open an incident when none is open")}
          {check("recoverIncident", "Recover it when all its alerts resolve")}
          {check("enabled", "Enabled")}
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            {editing ? "Save rule" : "Add rule"}
          </button>
          {editing && (
            <button type="button" onClick={() => setForm(NEW_RULE)}>
              Cancel edit
            </button>
          )}
        </div>
      </form>
    </div>
  );
}

/** Maintenance windows: alerts on their services (or all, when none is named) are suppressed while they last. */
export function MaintenanceWindowsAdmin() {
  const list = useQuery(MaintenanceWindowsAdminDocument, {});
  const lookups = useQuery(LookupsDocument, {});
  const { error, act } = useAdminAction(list.reload);
  const empty = { name: "", reason: "", startsAt: "", endsAt: "", serviceIds: [] as string[] };
  const [form, setForm] = useState(empty);
  const services = lookups.data?.services ?? [];
  const serviceNames = (ids: string[]) => (ids.length ? ids.map((id) => services.find((s) => s.id === id)?.name ?? "?").join(", ") : "every service");

  const create = (e: FormEvent) => {
    e.preventDefault();
    return act(async () => {
      // datetime-local values are in the admin's own time zone; the API stores instants.
      await gql(SaveMaintenanceWindowDocument, { input: { name: form.name, reason: form.reason, startsAt: new Date(form.startsAt).toISOString(), endsAt: new Date(form.endsAt).toISOString(), serviceIds: form.serviceIds } });
      setForm(empty);
    });
  };

  return (
    <div>
      <ErrorText message={error ?? null} />
      <AdminTable caption="Maintenance windows, latest start first" captionHidden columns={["Name", "Starts", "Ends", "Services", "Reason", "Actions"]} empty="No maintenance windows." isEmpty={list.data?.maintenanceWindows.length === 0}>
        {list.data?.maintenanceWindows.map((w) => (
          <tr key={w.id}>
            <th scope="row">{w.name}</th>
            <td className="nowrap">{exactTime(w.startsAt)}</td>
            <td className="nowrap">{exactTime(w.endsAt)}</td>
            <td>{serviceNames(w.serviceIds)}</td>
            <td>{w.reason || "—"}</td>
            <td>
              <button type="button" onClick={() => void act(() => gql(DeleteMaintenanceWindowDocument, { id: w.id, version: w.version }))}>
                Delete <span className="sr-only">{w.name}</span>
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
      <form className="card" onSubmit={(e) => void create(e)} aria-labelledby="mw-form">
        <h3 id="mw-form">Schedule a maintenance window</h3>
        <label htmlFor="mw-name">Name</label>
        <input id="mw-name" required minLength={3} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <label htmlFor="mw-start">Starts</label>
        <input id="mw-start" type="datetime-local" required value={form.startsAt} onChange={(e) => setForm({ ...form, startsAt: e.target.value })} />
        <label htmlFor="mw-end">Ends</label>
        <input id="mw-end" type="datetime-local" required value={form.endsAt} onChange={(e) => setForm({ ...form, endsAt: e.target.value })} />
        <label htmlFor="mw-services">Services (none chosen: every service)</label>
        <select id="mw-services" multiple size={Math.min(6, Math.max(2, services.length))} value={form.serviceIds} onChange={(e) => setForm({ ...form, serviceIds: [...e.target.selectedOptions].map((o) => o.value) })}>
          {services.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
        <label htmlFor="mw-reason">Reason</label>
        <textarea id="mw-reason" rows={2} value={form.reason} onChange={(e) => setForm({ ...form, reason: e.target.value })} />
        <div className="actions">
          <button type="submit" className="primary">
            Schedule window
          </button>
        </div>
      </form>
    </div>
  );
}

const DEAD_REASON_LABEL: Record<AlertEventDeadReason, string> = { attempts_exhausted: "gave up after too many attempts", discarded: "discarded by an admin" };

/**
 * Alert events correlation could not apply: put off for a retry (30 s doubling to an hour) or given
 * up on. An admin retries one now (a given-up one too) or discards it; the API audits both.
 */
export function FailingAlertEventsAdmin() {
  const list = useQuery(FailingAlertEventsDocument, {});
  const { error, act } = useAdminAction(list.reload);
  const events = list.data?.failingAlertEvents ?? [];
  return (
    <div>
      <ErrorText message={error ?? null} />
      <AdminTable
        caption="Alert events that could not be applied, newest first"
        columns={["Received", "Integration", "Alerts", "Attempts", "Last error", "Next try", "Actions"]}
        empty="No failing alert events: every event received has been applied."
        isEmpty={list.data?.failingAlertEvents.length === 0}
      >
        {events.map((e) => (
          <tr key={e.id}>
            <td className="nowrap">{exactTime(e.receivedAt)}</td>
            <th scope="row">
              {e.integrationName} <span className="muted">({SOURCE_LABEL[e.source]})</span>
            </th>
            <td>{e.alertCount}</td>
            <td>{e.attempts}</td>
            <td>
              <code>{e.lastError ?? "—"}</code>
            </td>
            <td className="nowrap">{e.deadReason ? <span className="badge">{DEAD_REASON_LABEL[e.deadReason]}</span> : e.retryAt ? exactTime(e.retryAt) : "—"}</td>
            <td className="actions">
              <button type="button" onClick={() => void act(() => gql(RetryAlertEventDocument, { id: e.id }))}>
                Retry now <span className="sr-only">the event from {e.integrationName} received {exactTime(e.receivedAt)}</span>
              </button>
              {e.deadReason !== "discarded" && (
                <button type="button" onClick={() => void act(() => gql(DiscardAlertEventDocument, { id: e.id }))}>
                  Discard <span className="sr-only">the event from {e.integrationName} received {exactTime(e.receivedAt)}</span>
                </button>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
    </div>
  );
}
