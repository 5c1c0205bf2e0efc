"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { PriorityBadge, StageBadge } from "@/components/Badges";
import { ErrorText } from "@/components/Notices";
import { FindIncidentDocument, LinkIncidentsToProblemDocument, UnlinkIncidentsFromProblemDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { resolveIncidentNumbers } from "@/lib/problems";
import { useProblem, useProblemAction } from "./context";

const TERMINAL = ["closed", "cancelled"];

/** The incidents behind the problem; agents and owners link more by number, owners unlink. */
export function LinkedIncidents() {
  const { problem, canLink, canOwn, setProblem, refresh } = useProblem();
  const action = useProblemAction();
  const [keys, setKeys] = useState("");
  const rows = problem.incidents.edges.map((e) => e.node);
  const open = !TERMINAL.includes(problem.stage);

  async function link(e: FormEvent) {
    e.preventDefault();
    const ok = await action.run(async () => {
      const incidentIds = await resolveIncidentNumbers(keys, async (number) => (await gql(FindIncidentDocument, { number })).incident.id);
      await gql(LinkIncidentsToProblemDocument, { input: { problemId: problem.id, version: problem.version, incidentIds } });
      await refresh();
    });
    if (ok) setKeys("");
  }

  const unlink = (incidentId: string) =>
    action.run(async () => {
      const { unlinkIncidentsFromProblem } = await gql(UnlinkIncidentsFromProblemDocument, { input: { problemId: problem.id, version: problem.version, incidentIds: [incidentId] } });
      setProblem(unlinkIncidentsFromProblem);
    });

  return (
    <section className="card" aria-labelledby="linked-title">
      <h2 id="linked-title">
        Linked incidents <span className="muted">({problem.incidents.totalCount})</span>
      </h2>
      {rows.length === 0 ? (
        <p className="muted">No incidents linked.</p>
      ) : (
        <div className="table-wrap flat">
          <table className="queue compact">
            <caption className="sr-only">Incidents linked to {problem.key}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Incident</th>
                <th scope="col">Stage</th>
                <th scope="col">Priority</th>
                <th scope="col">Opened</th>
                {canOwn && open && <th scope="col">Link</th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link href={`/incidents/${i.key}`}>
                      {i.key} {i.title}
                    </Link>
                  </td>
                  <td>
                    <StageBadge stage={i.stage} />
                  </td>
                  <td>
                    <PriorityBadge priority={i.priority} />
                  </td>
                  <td className="nowrap">{exactTime(i.createdAt)}</td>
                  {canOwn && open && (
                    <td>
                      <button type="button" disabled={action.busy} onClick={() => void unlink(i.id)} aria-label={`Unlink ${i.key}`}>
                        Unlink
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canLink && open && (
        <form onSubmit={link} className="inline-form">
          <div className="field grow">
            <label htmlFor="link-keys">Link incidents (numbers, comma-separated)</label>
            <input id="link-keys" value={keys} onChange={(e) => setKeys(e.target.value)} placeholder="INC-000123, INC-000124" />
          </div>
          <div className="field">
            <span className="label-spacer" aria-hidden="true">
              &nbsp;
            </span>
            <button type="submit" disabled={action.busy || !keys.trim()}>
              Link
            </button>
          </div>
        </form>
      )}
      <ErrorText message={action.error} />
    </section>
  );
}
