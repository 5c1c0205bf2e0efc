"use client";

import { ErrorText } from "@/components/Notices";
import { AddTaskDocument, CompleteTaskDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { useAction, useIncident, userName } from "./context";
import { NewTaskForm } from "@/components/record/NewTaskForm";

export function TasksPanel() {
  const { incident, lookups, meId, refresh, canWrite, canEdit } = useIncident();
  const action = useAction();
  const open = incident.tasks.filter((t) => !t.completedAt).length;

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
      {canEdit && (
        <NewTaskForm
          idPrefix="task"
          users={lookups?.users ?? []}
          defaultOwnerId={meId}
          busy={action.busy}
          placeholder="e.g. Add an alert on queue depth"
          onAdd={(task) =>
            action.run(async () => {
              await gql(AddTaskDocument, { input: { incidentId: incident.id, ...task } });
              await refresh();
            })
          }
        />
      )}
      <ErrorText message={action.error} />
    </section>
  );
}
