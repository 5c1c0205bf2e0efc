"use client";

import { useState, type FormEvent } from "react";
import { NewTaskForm } from "@/components/record/NewTaskForm";
import { ErrorText } from "@/components/Notices";
import { TimelineList } from "@/components/record/TimelineList";
import { AddProblemNoteDocument, AddProblemTaskDocument, CompleteProblemTaskDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { PROBLEM_TIMELINE_LABEL } from "@/lib/problems";
import { useProblem, useProblemAction } from "./context";

const TERMINAL = ["closed", "cancelled"];

/** Investigation and fix tasks; owners add and complete them, everyone sees them. */
export function ProblemTasks() {
  const { problem, canOwn, lookups, meId, refresh } = useProblem();
  const action = useProblemAction();
  const editable = canOwn && !TERMINAL.includes(problem.stage);
  const open = problem.tasks.filter((t) => !t.completedAt).length;

  return (
    <section className="card" aria-labelledby="ptasks-title">
      <h2 id="ptasks-title">
        Tasks <span className="muted">({open} open)</span>
      </h2>
      {problem.tasks.length === 0 ? (
        <p className="muted">No tasks.</p>
      ) : (
        <ul className="tasks">
          {problem.tasks.map((t) => (
            <li key={t.id}>
              <span className={t.completedAt ? "done" : ""}>
                {t.completedAt ? "✓ Done: " : "Open: "}
                {t.title}
              </span>{" "}
              <span className="muted">
                — {t.owner?.name ?? "someone"}, due {exactTime(t.dueAt)}
              </span>
              {!t.completedAt && editable && (
                <button
                  type="button"
                  disabled={action.busy}
                  aria-label={`Complete task: ${t.title}`}
                  onClick={() => void action.run(async () => {
                    await gql(CompleteProblemTaskDocument, { input: { taskId: t.id, version: t.version } });
                    await refresh();
                  })}
                >
                  Complete
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <NewTaskForm
          idPrefix="ptask"
          users={lookups?.users ?? []}
          defaultOwnerId={meId}
          busy={action.busy}
          placeholder="e.g. Reproduce the deadlock in staging"
          onAdd={(task) =>
            action.run(async () => {
              await gql(AddProblemTaskDocument, { input: { problemId: problem.id, ...task } });
              await refresh();
            })
          }
        />
      )}
      <ErrorText message={action.error} />
    </section>
  );
}

/** The problem's history, newest first; owners add notes. */
export function ProblemTimeline() {
  const { problem, canOwn, lookups, refresh } = useProblem();
  const action = useProblemAction();
  const [message, setMessage] = useState("");
  const nameOf = (id: string | null) => (id ? lookups?.users.find((u) => u.id === id)?.name ?? "someone" : "system");

  async function add(e: FormEvent) {
    e.preventDefault();
    const ok = await action.run(async () => {
      await gql(AddProblemNoteDocument, { input: { problemId: problem.id, message: message.trim() } });
      await refresh();
    });
    if (ok) setMessage("");
  }

  return (
    <section className="card" aria-labelledby="ptimeline-title">
      <h2 id="ptimeline-title">Timeline</h2>
      {canOwn && (
        <form onSubmit={add}>
          <label htmlFor="pnote">Add a note</label>
          <textarea id="pnote" rows={2} value={message} onChange={(e) => setMessage(e.target.value)} />
          <div className="actions">
            <button type="submit" className="primary" disabled={action.busy || !message.trim()}>
              Add note
            </button>
          </div>
        </form>
      )}
      <ErrorText message={action.error} />
      <TimelineList entries={[...problem.timeline].reverse()} labels={PROBLEM_TIMELINE_LABEL} nameOf={nameOf} />
    </section>
  );
}
