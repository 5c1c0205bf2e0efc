"use client";

import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { RecordRootCauseDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { useProblem, useProblemAction } from "./context";

const TERMINAL = ["closed", "cancelled"];
type Why = { why: string; because: string };

/** Root cause, contributing factors and the 5-whys chain; problem owners edit them in place. */
export function AnalysisPanel() {
  const { problem, canOwn, setProblem } = useProblem();
  const action = useProblemAction();
  const [editing, setEditing] = useState(false);
  const [rootCause, setRootCause] = useState(problem.rootCause ?? "");
  const [factors, setFactors] = useState(problem.contributingFactors.join("\n"));
  const [whys, setWhys] = useState<Why[]>(problem.fiveWhys.length ? problem.fiveWhys.map((w) => ({ why: w.why, because: w.because })) : [{ why: "", because: "" }]);
  const editable = canOwn && !TERMINAL.includes(problem.stage);

  const setWhy = (i: number, patch: Partial<Why>) => setWhys(whys.map((w, k) => (k === i ? { ...w, ...patch } : w)));

  async function save(e: FormEvent) {
    e.preventDefault();
    const ok = await action.run(async () => {
      const { recordRootCause } = await gql(RecordRootCauseDocument, {
        input: {
          id: problem.id,
          version: problem.version,
          rootCause: rootCause.trim(),
          contributingFactors: factors.split("\n").map((f) => f.trim()).filter(Boolean),
          fiveWhys: whys.filter((w) => w.why.trim() && w.because.trim()).map((w) => ({ why: w.why.trim(), because: w.because.trim() })),
        },
      });
      setProblem(recordRootCause);
    });
    if (ok) setEditing(false);
  }

  return (
    <section className="card" aria-labelledby="analysis-title">
      <h2 id="analysis-title">Root cause analysis</h2>
      {!editing && (
        <>
          <h3>Root cause</h3>
          <p className="statement">{problem.rootCause || <span className="muted">Not found yet.</span>}</p>
          <h3>Contributing factors</h3>
          {problem.contributingFactors.length ? (
            <ul>
              {problem.contributingFactors.map((f) => (
                <li key={f}>{f}</li>
              ))}
            </ul>
          ) : (
            <p className="muted">None recorded.</p>
          )}
          <h3>5 whys</h3>
          {problem.fiveWhys.length ? (
            <ol className="five-whys">
              {problem.fiveWhys.map((w, i) => (
                <li key={i}>
                  <span className="why">{w.why}</span> <span className="because">{w.because}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="muted">No chain yet.</p>
          )}
          {editable && (
            <div className="actions">
              <button type="button" onClick={() => setEditing(true)}>
                {problem.rootCause ? "Edit analysis" : "Write root cause"}
              </button>
            </div>
          )}
        </>
      )}
      {editing && (
        <form onSubmit={save}>
          <label htmlFor="root-cause">Root cause</label>
          <textarea id="root-cause" rows={3} value={rootCause} onChange={(e) => setRootCause(e.target.value)} />
          <label htmlFor="factors">Contributing factors (one a line)</label>
          <textarea id="factors" rows={3} value={factors} onChange={(e) => setFactors(e.target.value)} />
          <fieldset className="whys-edit">
            <legend>5 whys, in order</legend>
            {whys.map((w, i) => (
              <div key={i} className="grid-form">
                <div className="field">
                  <label htmlFor={`why-${i}`}>Why {i + 1}</label>
                  <input id={`why-${i}`} value={w.why} onChange={(e) => setWhy(i, { why: e.target.value })} />
                </div>
                <div className="field">
                  <label htmlFor={`because-${i}`}>Because</label>
                  <input id={`because-${i}`} value={w.because} onChange={(e) => setWhy(i, { because: e.target.value })} />
                </div>
              </div>
            ))}
            {whys.length < 10 && (
              <button type="button" className="link-like" onClick={() => setWhys([...whys, { why: "", because: "" }])}>
                Add another why
              </button>
            )}
          </fieldset>
          <div className="actions">
            <button type="submit" className="primary" disabled={action.busy}>
              Save analysis
            </button>
            <button type="button" onClick={() => setEditing(false)} disabled={action.busy}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <ErrorText message={action.error} />
    </section>
  );
}
