"use client";

import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { SetWorkaroundDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { useProblem, useProblemAction } from "./context";

const TERMINAL = ["closed", "cancelled"];

/** The workaround agents apply while the cause is still there, with who wrote it and when. */
export function WorkaroundPanel() {
  const { problem, canOwn, setProblem } = useProblem();
  const action = useProblemAction();
  const [text, setText] = useState(problem.workaround ?? "");
  const editable = canOwn && !TERMINAL.includes(problem.stage);

  async function save(e: FormEvent) {
    e.preventDefault();
    await action.run(async () => {
      const { setWorkaround } = await gql(SetWorkaroundDocument, { input: { id: problem.id, version: problem.version, workaround: text.trim() } });
      setProblem(setWorkaround);
    });
  }

  return (
    <section className={`card workaround${problem.isKnownError ? " known" : ""}`} aria-labelledby="workaround-title">
      <h2 id="workaround-title">Workaround</h2>
      {problem.workaround ? (
        <>
          <p className="statement">{problem.workaround}</p>
          <p className="help">
            Written by {problem.workaroundBy?.name ?? "someone"}
            {problem.workaroundAt ? `, ${exactTime(problem.workaroundAt)}` : ""}
          </p>
        </>
      ) : (
        <p className="muted">No workaround recorded.</p>
      )}
      {editable && (
        <form onSubmit={save}>
          <label htmlFor="workaround">{problem.workaround ? "Change the workaround" : "Record a workaround"}</label>
          <textarea id="workaround" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
          <div className="actions">
            <button type="submit" className="primary" disabled={action.busy || text.trim().length < 3 || text.trim() === (problem.workaround ?? "")}>
              Save workaround
            </button>
          </div>
        </form>
      )}
      <ErrorText message={action.error} />
    </section>
  );
}
