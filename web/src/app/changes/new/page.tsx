"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { useSession } from "@/components/AppShell";
import { ErrorText } from "@/components/Notices";
import { ChangeTemplatesDocument, CreateChangeDocument, LookupsDocument, type ChangeType } from "@/graphql/generated";
import { canRaiseChanges } from "@/lib/changes";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { useQuery } from "@/lib/hooks";

/** A datetime-local value ("2026-06-08T10:00") as an ISO instant in the viewer's zone. */
const toIso = (local: string): string | null => (local ? new Date(local).toISOString() : null);

function NewChangeForm() {
  const router = useRouter();
  const params = useSearchParams();
  const { user } = useSession();
  const lookups = useQuery(LookupsDocument, {});
  const templates = useQuery(ChangeTemplatesDocument, {});
  // "Raise a change to fix this" on a problem page links here with ?problemId=…&title=…
  const problemId = params.get("problemId");
  const [templateId, setTemplateId] = useState("");
  const [type, setType] = useState<ChangeType>("normal");
  const [title, setTitle] = useState(params.get("title") ? `Fix: ${params.get("title")}` : "");
  const [description, setDescription] = useState(params.get("description") ?? "");
  const [implementationPlan, setImplementationPlan] = useState("");
  const [backoutPlan, setBackoutPlan] = useState("");
  const [testPlan, setTestPlan] = useState("");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [serviceIds, setServiceIds] = useState<string[]>(params.getAll("serviceId"));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  if (!canRaiseChanges(user?.role)) return <p>Your role may read changes but not raise them.</p>;

  async function submit() {
    setBusy(true);
    setError(null);
    try {
      const res = await gql(CreateChangeDocument, {
        input: {
          type: templateId ? "standard" : type,
          templateId: templateId || null,
          title,
          description: description || null,
          implementationPlan: templateId ? null : implementationPlan,
          backoutPlan: templateId ? null : backoutPlan,
          testPlan: templateId ? null : testPlan,
          plannedStart: toIso(start),
          plannedEnd: templateId && !end ? null : toIso(end),
          serviceIds: templateId && serviceIds.length === 0 ? null : serviceIds,
          problemIds: problemId ? [problemId] : null,
        },
      });
      router.push(`/changes/${res.createChange.key}`);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <form
      className="card narrow"
      aria-labelledby="new-change-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p className="crumbs">
        <Link href="/changes">← Changes</Link>
      </p>
      <h1 id="new-change-title">Raise a change</h1>
      {problemId && <p className="help">This change will be linked to the problem it fixes.</p>}
      <label htmlFor="template">Pre-approved template (standard change)</label>
      <select id="template" value={templateId} onChange={(e) => setTemplateId(e.target.value)}>
        <option value="">None: a normal or emergency change</option>
        {templates.data?.changeTemplates.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name} ({t.durationMinutes} min)
          </option>
        ))}
      </select>
      {!templateId && (
        <>
          <label htmlFor="type">Type</label>
          <select id="type" value={type} onChange={(e) => setType(e.target.value as ChangeType)}>
            <option value="normal">Normal (CAB approval)</option>
            <option value="emergency">Emergency (one emergency approver, review afterwards)</option>
          </select>
        </>
      )}
      <label htmlFor="title">Title</label>
      <input id="title" required minLength={3} value={title} onChange={(e) => setTitle(e.target.value)} />
      <label htmlFor="description">Description</label>
      <textarea id="description" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
      {!templateId && (
        <>
          <label htmlFor="impl">Implementation plan</label>
          <textarea id="impl" rows={3} value={implementationPlan} onChange={(e) => setImplementationPlan(e.target.value)} />
          <label htmlFor="backout">Backout plan</label>
          <textarea id="backout" rows={2} value={backoutPlan} onChange={(e) => setBackoutPlan(e.target.value)} />
          <label htmlFor="test">Test plan</label>
          <textarea id="test" rows={2} value={testPlan} onChange={(e) => setTestPlan(e.target.value)} />
        </>
      )}
      <div className="grid-form">
        <div>
          <label htmlFor="start">Planned start</label>
          <input id="start" type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} />
        </div>
        <div>
          <label htmlFor="end">Planned end{templateId ? " (default: the template's duration)" : ""}</label>
          <input id="end" type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} />
        </div>
      </div>
      <fieldset>
        <legend className="label">Affected services{templateId ? " (default: the template's)" : ""}</legend>
        {lookups.data?.services.map((s) => (
          <label key={s.id} className="check">
            <input
              type="checkbox"
              checked={serviceIds.includes(s.id)}
              onChange={(e) => setServiceIds((ids) => (e.target.checked ? [...ids, s.id] : ids.filter((x) => x !== s.id)))}
            />{" "}
            {s.name}
          </label>
        ))}
      </fieldset>
      <ErrorText message={error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          Raise change
        </button>
      </div>
      <p className="help">It starts as a draft; conflicts and freezes show on its page as warnings.</p>
    </form>
  );
}

export default function NewChangePage() {
  return (
    <Suspense fallback={<p className="muted">Loading…</p>}>
      <NewChangeForm />
    </Suspense>
  );
}
