"use client";

import { useState } from "react";
import { ErrorText } from "@/components/Notices";
import { FailedJobsDocument, RetryJobDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";

/** Jobs that used up their retries, with a retry button (admins). */
export function FailedJobsCard() {
  const q = useQuery(FailedJobsDocument, {});
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const retry = async (queue: string, id: string) => {
    setError(null);
    setStatus(null);
    try {
      await gql(RetryJobDocument, { queue, id });
      setStatus(`Job ${id} on ${queue} queued again.`);
      await q.reload();
    } catch (err) {
      setError(describeError(err));
    }
  };

  return (
    <div className="card">
      <h2>Failed jobs</h2>
      <ErrorText message={q.error ? describeError(q.error) : error} />
      {q.data && q.data.failedJobs.length === 0 && <p className="muted">No failed jobs.</p>}
      {q.data && q.data.failedJobs.length > 0 && (
        <ul className="runs">
          {q.data.failedJobs.map((j) => (
            <li key={`${j.queue}:${j.id}`}>
              <strong>
                {j.queue} / {j.name}
              </strong>{" "}
              <span className="muted small">
                {j.attemptsMade} attempt{j.attemptsMade === 1 ? "" : "s"}
                {j.failedAt ? `, last failed ${exactTime(j.failedAt)}` : ""}
              </span>
              <br />
              <span className="small">{j.failedReason}</span>{" "}
              <button type="button" className="small" onClick={() => void retry(j.queue, j.id)} aria-label={`Retry job ${j.id} on ${j.queue}`}>
                Retry
              </button>
            </li>
          ))}
        </ul>
      )}
      <p role="status" className="muted">
        {status}
      </p>
    </div>
  );
}
