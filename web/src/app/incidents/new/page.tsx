"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { CreateIncidentDocument, LookupsDocument, SeverityValues, type Severity } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { ApiError, describeError } from "@/lib/errors";
import { SEVERITY_LABEL } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { EnumSelect } from "@/components/EnumSelect";
import { NamedOptions } from "@/components/NamedOptions";
import { useSession } from "@/components/AppShell";
import { canWriteIncidents } from "@/lib/roles";

/** Report an incident by hand; triage suggestions appear on its page once the models have run. */
export default function NewIncidentPage() {
  const router = useRouter();
  const { user } = useSession();
  const lookups = useQuery(LookupsDocument, {});
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [impact, setImpact] = useState(3);
  const [urgency, setUrgency] = useState(3);
  const [severity, setSeverity] = useState<Severity | "">("");
  const [serviceId, setServiceId] = useState("");
  const [teamId, setTeamId] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string[]>>({});
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      const { createIncident } = await gql(CreateIncidentDocument, {
        input: {
          title: title.trim(),
          description: description.trim() || null,
          impact,
          urgency,
          severity: severity || null,
          serviceId: serviceId || null,
          teamId: teamId || null,
        },
      });
      router.push(`/incidents/${createIncident.key}`);
    } catch (err) {
      setError(describeError(err));
      if (err instanceof ApiError) setFieldErrors(err.fieldProblems);
      setBusy(false);
    }
  }

  const problem = (field: string) =>
    fieldErrors[field] ? (
      <p className="error small" id={`new-${field}-error`}>
        {fieldErrors[field]!.join("; ")}
      </p>
    ) : null;

  if (!canWriteIncidents(user?.role)) {
    return (
      <section className="card narrow" aria-labelledby="new-title">
        <h1 id="new-title">Report an incident</h1>
        <p>Your role can read incidents but not report them. Ask an agent to report this one.</p>
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="new-title">
      <h1 id="new-title">Report an incident</h1>
      <form onSubmit={submit} className="grid-form">
        <div className="field span2">
          <label htmlFor="new-title-input">Title</label>
          <input
            id="new-title-input"
            required
            value={title}
            onChange={(e) => setTitle(e.target.value)}
            aria-invalid={fieldErrors.title ? true : undefined}
            aria-describedby={fieldErrors.title ? "new-title-error" : undefined}
            placeholder="What is broken, for whom"
          />
          {problem("title")}
        </div>
        <div className="field span2">
          <label htmlFor="new-description">Description</label>
          <textarea id="new-description" rows={5} value={description} onChange={(e) => setDescription(e.target.value)} placeholder="Symptoms, since when, what was tried" />
          {problem("description")}
        </div>
        <div className="field">
          <label htmlFor="new-impact">Impact</label>
          <select id="new-impact" value={impact} onChange={(e) => setImpact(Number(e.target.value))}>
            <option value={1}>1 — extensive / widespread</option>
            <option value={2}>2 — significant / large</option>
            <option value={3}>3 — minor / localised</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-urgency">Urgency</label>
          <select id="new-urgency" value={urgency} onChange={(e) => setUrgency(Number(e.target.value))}>
            <option value={1}>1 — critical</option>
            <option value={2}>2 — high</option>
            <option value={3}>3 — low</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-severity">Severity</label>
          <EnumSelect id="new-severity" values={SeverityValues} labels={SEVERITY_LABEL} empty="Let triage suggest" value={severity} onChange={setSeverity} aria-describedby="new-severity-help" />
          <p id="new-severity-help" className="help">
            Left empty, the triage model suggests one on the incident page.
          </p>
        </div>
        <div className="field">
          <label htmlFor="new-service">Service</label>
          <select id="new-service" value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <NamedOptions empty="Not known yet" items={lookups.data?.services ?? []} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="new-team">Team</label>
          <select id="new-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <NamedOptions empty="Let triage suggest" items={lookups.data?.teams ?? []} />
          </select>
        </div>
        <div className="span2">
          <ErrorText message={error} />
        </div>
        <div className="actions span2">
          <button type="submit" className="primary" disabled={busy || title.trim() === ""}>
            {busy ? "Reporting…" : "Report incident"}
          </button>
        </div>
      </form>
    </section>
  );
}
