"use client";

import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { SeverityValues, UpdateIncidentDocument, type Severity } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { CLOSURE_LABEL, SEVERITY_LABEL } from "@/lib/format";
import { useAction, useIncident } from "./context";
import { useDraft } from "./useDraft";
import { NamedOptions } from "@/components/NamedOptions";

const IMPACT = ["1 — extensive / widespread", "2 — significant / large", "3 — minor / localised"];
const URGENCY = ["1 — critical", "2 — high", "3 — low"];

export function FieldsForm() {
  const { incident, lookups, setIncident, canEdit } = useIncident();
  const source = {
    title: incident.title,
    description: incident.description,
    category: incident.category ?? "",
    severity: (incident.severity ?? "") as Severity | "",
    impact: incident.impact,
    urgency: incident.urgency,
    serviceId: incident.service?.id ?? "",
    resolution: incident.resolution ?? "",
  };
  const form = useDraft(source, incident.version);
  const action = useAction();
  const [saved, setSaved] = useState(false);
  const d = form.draft;

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaved(false);
    const changes = form.changes();
    if (Object.keys(changes).length === 0) return;
    const ok = await action.run(async () => {
      const { updateIncident } = await gql(UpdateIncidentDocument, {
        input: {
          id: incident.id,
          version: form.baseVersion,
          ...("title" in changes ? { title: d.title } : {}),
          ...("description" in changes ? { description: d.description } : {}),
          ...("category" in changes ? { category: d.category || null } : {}),
          ...("severity" in changes && d.severity ? { severity: d.severity } : {}),
          ...("impact" in changes ? { impact: d.impact } : {}),
          ...("urgency" in changes ? { urgency: d.urgency } : {}),
          ...("serviceId" in changes ? { serviceId: d.serviceId || null } : {}),
          ...("resolution" in changes ? { resolution: d.resolution || null } : {}),
        },
      });
      setIncident(updateIncident);
    });
    if (ok) {
      form.reset();
      setSaved(true);
    }
  }

  if (!canEdit) {
    const facts: Array<[string, string]> = [
      ["Description", incident.description || "—"],
      ["Severity", incident.severity ? SEVERITY_LABEL[incident.severity] : "Not set"],
      ["Category", incident.category ?? "—"],
      ["Impact", IMPACT[incident.impact - 1] ?? String(incident.impact)],
      ["Urgency", URGENCY[incident.urgency - 1] ?? String(incident.urgency)],
      ["Service", incident.service?.name ?? "None"],
      ["Priority", `P${incident.priority} (from impact × urgency)`],
      ["Resolution", incident.resolution || "—"],
      ...(incident.closureCode ? [["How it ended", CLOSURE_LABEL[incident.closureCode]] as [string, string]] : []),
    ];
    return (
      <section className="card" aria-labelledby="fields-title">
        <h2 id="fields-title">Details</h2>
        <dl className="facts">
          {facts.map(([term, value]) => (
            <div key={term}>
              <dt>{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="fields-title">
      <h2 id="fields-title">Details</h2>
      <form onSubmit={save} className="grid-form">
        <div className="field span2">
          <label htmlFor="inc-title">Title</label>
          <input id="inc-title" value={d.title} onChange={(e) => form.set("title", e.target.value)} required />
        </div>
        <div className="field span2">
          <label htmlFor="inc-description">Description</label>
          <textarea id="inc-description" rows={4} value={d.description} onChange={(e) => form.set("description", e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="inc-severity">Severity</label>
          <select id="inc-severity" value={d.severity} onChange={(e) => form.set("severity", e.target.value as Severity | "")}>
            {!incident.severity && <option value="">Not set</option>}
            {SeverityValues.map((s) => (
              <option key={s} value={s}>
                {SEVERITY_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="inc-category">Category</label>
          <input id="inc-category" value={d.category} onChange={(e) => form.set("category", e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="inc-impact">Impact</label>
          <select id="inc-impact" value={d.impact} onChange={(e) => form.set("impact", Number(e.target.value))}>
            {IMPACT.map((label, i) => (
              <option key={label} value={i + 1}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="inc-urgency">Urgency</label>
          <select id="inc-urgency" value={d.urgency} onChange={(e) => form.set("urgency", Number(e.target.value))}>
            {URGENCY.map((label, i) => (
              <option key={label} value={i + 1}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="inc-service">Service</label>
          <select id="inc-service" value={d.serviceId} onChange={(e) => form.set("serviceId", e.target.value)}>
            <NamedOptions empty="None" items={lookups?.services ?? []} />
          </select>
        </div>
        <div className="field">
          <span className="label">Priority</span>
          <p className="static">P{incident.priority} (from impact × urgency)</p>
        </div>
        <div className="field span2">
          <label htmlFor="inc-resolution">Resolution</label>
          <textarea
            id="inc-resolution"
            rows={2}
            value={d.resolution}
            onChange={(e) => form.set("resolution", e.target.value)}
            aria-describedby="inc-resolution-help"
          />
          <p id="inc-resolution-help" className="help">
            How it was fixed; shown to agents on similar incidents later.
          </p>
        </div>
        <div className="span2">
          <ErrorText message={action.error} />
        </div>
        <div className="actions span2">
          <button type="submit" className="primary" disabled={!form.dirty || action.busy}>
            {action.busy ? "Saving…" : "Save details"}
          </button>
          {form.dirty && (
            <button type="button" onClick={form.reset}>
              Discard changes
            </button>
          )}
          <span role="status" className="muted">
            {saved && !form.dirty ? "Saved." : form.dirty ? "Unsaved changes" : ""}
          </span>
        </div>
      </form>
    </section>
  );
}
