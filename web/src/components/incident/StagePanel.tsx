"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { ErrorText } from "@/components/Notices";
import {
  FindIncidentDocument,
  MarkDuplicateDocument,
  ReopenIncidentDocument,
  TransitionIncidentDocument,
  type ClosureCode,
  type IncidentDetailFragment,
  type Stage,
} from "@/graphql/generated";
import { gql } from "@/lib/client";
import { CLOSURE_LABEL, OPEN_STAGES, STAGE_LABEL } from "@/lib/format";
import { useAction, useIncident } from "./context";

const REOPENABLE: Stage[] = ["recovered", "reviewed", "closed"];

function reachedAt(i: IncidentDetailFragment, stage: Stage): string | null {
  const stamps: Partial<Record<Stage, string | null>> = {
    identified: i.identifiedAt,
    classified: i.classifiedAt,
    assessed: i.assessedAt,
    contained: i.containedAt,
    eradicated: i.eradicatedAt,
    recovered: i.recoveredAt,
    reviewed: i.reviewedAt,
    closed: i.closedAt,
  };
  return stamps[stage] ?? null;
}

export function StagePanel() {
  const { incident, setIncident, changeTick, canWrite } = useIncident();
  const action = useAction();
  const clearError = action.setError;
  // A refusal is about the incident as it was; once anything changes (a report published, a task
  // completed) the old reason may no longer hold.
  useEffect(() => clearError(null), [changeTick, clearError]);
  const [note, setNote] = useState("");
  const [reason, setReason] = useState("");
  const [duplicateOf, setDuplicateOf] = useState("");
  const [done, setDone] = useState<string | null>(null);
  // Closing asks how it ended: the resolution (what fixed it) and a closure code.
  const [closing, setClosing] = useState(false);
  const [resolution, setResolution] = useState(incident.resolution ?? "");
  const [closureCode, setClosureCode] = useState<ClosureCode | "">("");
  const path = [...OPEN_STAGES, "closed" as Stage];
  const current = path.indexOf(incident.stage);

  const move = (to: Stage) =>
    action.run(async () => {
      setDone(null);
      const closure = to === "closed" ? { resolution: resolution.trim() || null, closureCode: closureCode || null } : {};
      const { transitionIncident } = await gql(TransitionIncidentDocument, {
        input: { id: incident.id, version: incident.version, to, note: note.trim() || null, ...closure },
      });
      setIncident(transitionIncident);
      setNote("");
      setClosing(false);
      setDone(`Moved to ${STAGE_LABEL[to]}.`);
    }, { attemptedStage: to });

  const markDuplicate = () =>
    action.run(async () => {
      setDone(null);
      const { incident: original } = await gql(FindIncidentDocument, { number: duplicateOf.trim() });
      const { markDuplicate: updated } = await gql(MarkDuplicateDocument, { input: { id: incident.id, version: incident.version, duplicateOfId: original.id } });
      setIncident(updated);
      setDuplicateOf("");
      setDone(`Cancelled as a duplicate of ${original.key}.`);
    });

  const reopen = () =>
    action.run(async () => {
      setDone(null);
      const { reopenIncident } = await gql(ReopenIncidentDocument, { input: { id: incident.id, version: incident.version, reason: reason.trim() } });
      setIncident(reopenIncident);
      setReason("");
      setDone("Reopened.");
    });

  return (
    <section className="card" aria-labelledby="stage-title">
      <h2 id="stage-title">Stage</h2>
      <ol className="stage-path" aria-label="Lifecycle">
        {path.map((s, i) => {
          // A stage before the current one without its timestamp was skipped (an allowed shortcut).
          const state = i === current ? "current" : i > current ? "future" : reachedAt(incident, s) ? "past" : "skipped";
          return (
            <li key={s} className={state} aria-current={state === "current" ? "step" : undefined}>
              <span className="sr-only">{state === "past" ? "done: " : state === "current" ? "current: " : state === "skipped" ? "skipped: " : "later: "}</span>
              {STAGE_LABEL[s]}
            </li>
          );
        })}
      </ol>
      {incident.stage === "cancelled" && (
        <p>
          Cancelled
          {incident.duplicateOf && (
            <>
              {" "}
              as a duplicate of{" "}
              <Link href={`/incidents/${incident.duplicateOf.key}`}>
                {incident.duplicateOf.key} {incident.duplicateOf.title}
              </Link>
            </>
          )}
          .
        </p>
      )}
      {incident.closureCode && (
        <p>
          <span className="muted">How it ended:</span> {CLOSURE_LABEL[incident.closureCode]}
        </p>
      )}
      {!canWrite ? null : incident.allowedTransitions.length > 0 ? (
        <>
          <label htmlFor="stage-note">Note for the stage change (optional)</label>
          <input id="stage-note" value={note} onChange={(e) => setNote(e.target.value)} placeholder="What was done" />
          <div className="actions" role="group" aria-label="Move to stage">
            {incident.allowedTransitions.map((to) =>
              to === "closed" ? (
                <button key={to} type="button" className="primary" disabled={action.busy} aria-expanded={closing} aria-controls="close-form" onClick={() => setClosing(!closing)}>
                  Close…
                </button>
              ) : (
                <button key={to} type="button" className="primary" disabled={action.busy} onClick={() => void move(to)}>
                  Move to {STAGE_LABEL[to]}
                </button>
              ),
            )}
          </div>
          {closing && (
            <form
              id="close-form"
              className="close-form"
              aria-label="Close the incident"
              onSubmit={(e) => {
                e.preventDefault();
                void move("closed");
              }}
            >
              <label htmlFor="close-resolution">Resolution</label>
              <textarea id="close-resolution" rows={3} required value={resolution} onChange={(e) => setResolution(e.target.value)} aria-describedby="close-resolution-help" />
              <p id="close-resolution-help" className="help">
                What fixed it, or why nothing will; shown to agents on similar incidents later.
              </p>
              <label htmlFor="close-code">Closure code</label>
              <select id="close-code" required value={closureCode} onChange={(e) => setClosureCode(e.target.value as ClosureCode | "")}>
                <option value="">Choose how it ended…</option>
                {(Object.keys(CLOSURE_LABEL) as ClosureCode[]).map((code) => (
                  <option key={code} value={code}>
                    {CLOSURE_LABEL[code]}
                  </option>
                ))}
              </select>
              <div className="actions">
                <button type="submit" className="primary" disabled={action.busy || !resolution.trim() || !closureCode}>
                  Close incident
                </button>
              </div>
            </form>
          )}
        </>
      ) : (
        <p className="muted">No stage change is possible from {STAGE_LABEL[incident.stage]} now.</p>
      )}
      {canWrite && REOPENABLE.includes(incident.stage) && (
        <details className="reopen">
          <summary>Reopen this incident</summary>
          <label htmlFor="reopen-reason">Why it is being reopened</label>
          <input id="reopen-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="button" disabled={action.busy || reason.trim() === ""} onClick={() => void reopen()}>
            Reopen
          </button>
        </details>
      )}
      {canWrite && incident.stage !== "closed" && incident.stage !== "cancelled" && (
        <details className="reopen">
          <summary>Cancel as a duplicate</summary>
          <label htmlFor="duplicate-of">Duplicate of (incident number, e.g. INC-000123)</label>
          <div className="inline">
            <input id="duplicate-of" value={duplicateOf} onChange={(e) => setDuplicateOf(e.target.value)} />
            <button type="button" disabled={action.busy || duplicateOf.trim() === ""} onClick={() => void markDuplicate()}>
              Mark as duplicate
            </button>
          </div>
        </details>
      )}
      <ErrorText message={action.error} />
      <p role="status" className="muted">
        {done}
      </p>
    </section>
  );
}
