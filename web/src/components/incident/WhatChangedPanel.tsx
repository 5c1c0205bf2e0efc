"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import "@/components/change/change.css";
import { ErrorText } from "@/components/Notices";
import { RecentChangesDocument, SetIncidentCauseDocument } from "@/graphql/generated";
import { CHANGE_STAGE_LABEL } from "@/lib/changes";
import { gql } from "@/lib/client";
import { useQuery } from "@/lib/hooks";
import { useAction, useIncident } from "./context";

/** "What changed?": recent changes on this service and what it depends on; one click marks the cause. */
export function WhatChangedPanel({ canLink }: { canLink: boolean }) {
  const { incident, changeTick, refresh } = useIncident();
  const recent = useQuery(RecentChangesDocument, { incidentId: incident.id });
  const { busy, error, run } = useAction();
  const [announce, setAnnounce] = useState("");
  const reloadRecent = recent.reload;
  useEffect(() => {
    void reloadRecent();
  }, [changeTick, reloadRecent]);

  const cause = recent.data?.incident.causedByChange ?? null;
  const rows = recent.data?.recentChanges ?? [];

  const setCause = (changeId: string | null, label: string) =>
    run(async () => {
      await gql(SetIncidentCauseDocument, { input: { incidentId: incident.id, version: incident.version, changeId } });
      setAnnounce(label);
      await refresh();
    });

  return (
    <section className="card what-changed" aria-labelledby="what-changed-title">
      <h2 id="what-changed-title">What changed?</h2>
      <p className="announce" aria-live="polite">
        {announce}
      </p>
      {cause ? (
        <p>
          Caused by change{" "}
          <Link href={`/changes/${cause.key}`}>
            {cause.key} {cause.title}
          </Link>
          {canLink && (
            <>
              {" "}
              <button type="button" className="small" disabled={busy} onClick={() => void setCause(null, "Cause cleared")}>
                Clear
              </button>
            </>
          )}
        </p>
      ) : (
        <p className="muted">No change is recorded as the cause.</p>
      )}
      {!incident.service ? (
        <p className="muted">Set the incident’s service to see the changes made to it and to what it depends on.</p>
      ) : rows.length === 0 ? (
        <p className="muted">{recent.loading ? "Loading…" : "No changes on this service or its dependencies in the hours before it opened."}</p>
      ) : (
        <ol>
          {rows.map((r) => (
            <li key={r.change.id}>
              <Link href={`/changes/${r.change.key}`}>
                {r.change.key} {r.change.title}
              </Link>{" "}
              <span className="badge">{CHANGE_STAGE_LABEL[r.change.stage]}</span>
              <p className="small">{r.reason}</p>
              {r.isCause ? (
                <span className="cause">Recorded as the cause</span>
              ) : (
                canLink && (
                  <button type="button" className="small" disabled={busy} onClick={() => void setCause(r.change.id, `${r.change.key} marked as the cause`)}>
                    Caused by this change
                  </button>
                )
              )}
            </li>
          ))}
        </ol>
      )}
      <ErrorText message={error} />
    </section>
  );
}
