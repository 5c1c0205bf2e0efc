"use client";

import { useState } from "react";
import { ErrorText } from "@/components/Notices";
import { ReviewChangeDocument, type ChangeDetailFragment, type ReviewOutcome } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";

/** The post-implementation review: shown once written; a form while the change is reviewing. */
export function ReviewCard({ change, canWrite, onChange, onError }: { change: ChangeDetailFragment; canWrite: boolean; onChange: (c: ChangeDetailFragment) => void; onError: (err: unknown) => string | null }) {
  const [outcome, setOutcome] = useState<ReviewOutcome>(change.review?.outcome ?? (change.failedAt || change.rolledBackAt ? "unsuccessful" : "successful"));
  const [lessons, setLessons] = useState(change.review?.lessons ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needed = change.type === "emergency" || !!change.failedAt || !!change.rolledBackAt;

  async function save() {
    setBusy(true);
    setError(null);
    try {
      onChange((await gql(ReviewChangeDocument, { input: { id: change.id, version: change.version, outcome, lessons } })).reviewChange);
    } catch (err) {
      setError(onError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="review-title">
      <h2 id="review-title">Post-implementation review</h2>
      {needed && !change.review && <p className="help">This change needs its review recorded before it can close.</p>}
      {change.review && (
        <p>
          <strong>{change.review.outcome === "successful" ? "Successful" : "Unsuccessful"}</strong> · {exactTime(change.review.reviewedAt)}
          <br />
          {change.review.lessons}
        </p>
      )}
      {change.stage === "reviewing" && canWrite && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <fieldset>
            <legend className="label">Outcome</legend>
            {(["successful", "unsuccessful"] as const).map((o) => (
              <label key={o} className="check">
                <input type="radio" name="outcome" value={o} checked={outcome === o} onChange={() => setOutcome(o)} /> {o === "successful" ? "Successful" : "Unsuccessful"}
              </label>
            ))}
          </fieldset>
          <label htmlFor="review-lessons">Lessons</label>
          <textarea id="review-lessons" rows={3} value={lessons} onChange={(e) => setLessons(e.target.value)} required />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy || !lessons.trim()}>
              Record review
            </button>
          </div>
        </form>
      )}
      {!change.review && change.stage !== "reviewing" && <p className="muted">Recorded while the change is reviewing.</p>}
      <ErrorText message={error} />
    </section>
  );
}
