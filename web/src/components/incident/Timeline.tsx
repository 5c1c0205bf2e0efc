"use client";

import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { AddNoteDocument, type TimelineKind } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { TimelineList } from "@/components/record/TimelineList";
import { useAction, useIncident, userName } from "./context";

const KIND_LABEL: Record<TimelineKind, string> = {
  assigned: "Assigned",
  created: "Created",
  major_incident: "Major incident",
  marked_duplicate: "Duplicate",
  note: "Note",
  reopened: "Reopened",
  report_written: "Report",
  stage_changed: "Stage",
  sla: "SLA",
  suggestion: "Suggestion",
  task_added: "Task",
  task_completed: "Task done",
  updated: "Updated",
};

export function Timeline() {
  const { incident, lookups, refresh, canWrite } = useIncident();
  const action = useAction();
  const [message, setMessage] = useState("");
  const [onlyNotes, setOnlyNotes] = useState(false);
  const entries = [...incident.timeline].reverse().filter((e) => !onlyNotes || e.kind === "note");

  async function add(e: FormEvent) {
    e.preventDefault();
    const ok = await action.run(async () => {
      await gql(AddNoteDocument, { input: { incidentId: incident.id, message: message.trim() } });
    });
    if (ok) {
      setMessage("");
      await refresh();
    }
  }

  return (
    <section className="card" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      <form onSubmit={add}>
        {canWrite && (
          <>
            <label htmlFor="note">Add a note</label>
            <textarea id="note" rows={3} value={message} onChange={(e) => setMessage(e.target.value)} placeholder="What you found or did" />
          </>
        )}
        <div className="actions">
          {canWrite && (
            <button type="submit" className="primary" disabled={action.busy || message.trim() === ""}>
              {action.busy ? "Adding…" : "Add note"}
            </button>
          )}
          <label className="check">
            <input type="checkbox" checked={onlyNotes} onChange={(e) => setOnlyNotes(e.target.checked)} /> Notes only
          </label>
        </div>
        <ErrorText message={action.error} />
      </form>
      <TimelineList entries={entries} labels={KIND_LABEL} nameOf={(id) => userName(lookups, id)} />
    </section>
  );
}
