"use client";

import { useState, type FormEvent } from "react";
import { NamedOptions } from "@/components/NamedOptions";

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Title, owner and due date of a new task (incidents and problems); `onAdd` says whether it was saved. */
export function NewTaskForm({
  idPrefix,
  users,
  defaultOwnerId,
  busy,
  placeholder,
  onAdd,
}: {
  idPrefix: string;
  users: ReadonlyArray<{ id: string; name: string; active: boolean }>;
  defaultOwnerId: string | null;
  busy: boolean;
  placeholder: string;
  onAdd: (task: { title: string; ownerId: string; dueAt: string }) => Promise<boolean>;
}) {
  const [title, setTitle] = useState("");
  const [ownerId, setOwnerId] = useState(defaultOwnerId ?? "");
  const [due, setDue] = useState(inDays(7));

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (await onAdd({ title: title.trim(), ownerId, dueAt: new Date(`${due}T17:00:00`).toISOString() })) setTitle("");
  }

  return (
    <form onSubmit={submit} className="inline-form">
      <div className="field grow">
        <label htmlFor={`${idPrefix}-title`}>New task</label>
        <input id={`${idPrefix}-title`} value={title} onChange={(e) => setTitle(e.target.value)} placeholder={placeholder} />
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-owner`}>Owner</label>
        <select id={`${idPrefix}-owner`} value={ownerId} onChange={(e) => setOwnerId(e.target.value)} required>
          <NamedOptions empty="Choose…" items={users.filter((u) => u.active)} />
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${idPrefix}-due`}>Due</label>
        <input id={`${idPrefix}-due`} type="date" value={due} onChange={(e) => setDue(e.target.value)} required />
      </div>
      <div className="field">
        <span className="label-spacer" aria-hidden="true">
          &nbsp;
        </span>
        <button type="submit" disabled={busy || !title.trim() || !ownerId}>
          Add task
        </button>
      </div>
    </form>
  );
}
