"use client";

import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { AddTaskDocument, CompleteTaskDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { useAction, useIncident, userName } from "./context";
import { NamedOptions } from "@/components/NamedOptions";

function inDays(days: number): string {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 10);
}

export function TasksPanel() {
  const { incident, lookups, meId, refresh, canWrite } = useIncident();
  const action = useAction();
  const [title, setTitle] = useState("");
  const [ownerId, setOwnerId] = useState(meId ?? "");
  const [due, setDue] = useState(inDays(7));
  const open = incident.tasks.filter((t) => !t.completedAt).length;
  const terminal = incident.stage === "closed" || incident.stage === "cancelled";

  async function add(e: FormEvent) {
    e.preventDefault();
    const ok = await action.run(async () => {
      await gql(AddTaskDocument, {
        input: { incidentId: incident.id, title: title.trim(), ownerId, dueAt: new Date(`${due}T17:00:00`).toISOString() },
      });
    });
    if (ok) {
      setTitle("");
      await refresh();
    }
  }

  const complete = (taskId: string, version: number) =>
    action.run(async () => {
      await gql(CompleteTaskDocument, { input: { taskId, version } });
      await refresh();
    });

  return (
    <section className="card" aria-labelledby="tasks-title">
      <h2 id="tasks-title">
        Follow-up tasks <span className="muted">({open} open)</span>
      </h2>
      {incident.tasks.length === 0 ? (
        <p className="muted">No follow-up tasks.</p>
      ) : (
        <ul className="tasks">
          {incident.tasks.map((t) => (
            <li key={t.id}>
              <span className={t.completedAt ? "done" : ""}>
                {t.completedAt ? "✓ Done: " : "Open: "}
                {t.title}
              </span>{" "}
              <span className="muted">
                — {userName(lookups, t.ownerId)}, due {exactTime(t.dueAt)}
              </span>
              {!t.completedAt && canWrite && (
                <button type="button" disabled={action.busy} onClick={() => void complete(t.id, t.version)} aria-label={`Complete task: ${t.title}`}>
                  Complete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!terminal && canWrite && (
        <form onSubmit={add} className="inline-form">
          <div className="field grow">
            <label htmlFor="task-title">New task</label>
            <input id="task-title" value={title} onChange={(e) => setTitle(e.target.value)} placeholder="e.g. Add an alert on queue depth" />
          </div>
          <div className="field">
            <label htmlFor="task-owner">Owner</label>
            <select id="task-owner" value={ownerId} onChange={(e) => setOwnerId(e.target.value)} required>
              <NamedOptions empty="Choose…" items={(lookups?.users ?? []).filter((u) => u.active)} />
            </select>
          </div>
          <div className="field">
            <label htmlFor="task-due">Due</label>
            <input id="task-due" type="date" value={due} onChange={(e) => setDue(e.target.value)} required />
          </div>
          <div className="field">
            <span className="label-spacer" aria-hidden="true">
              &nbsp;
            </span>
            <button type="submit" disabled={action.busy || !title.trim() || !ownerId}>
              Add task
            </button>
          </div>
        </form>
      )}
      <ErrorText message={action.error} />
    </section>
  );
}
