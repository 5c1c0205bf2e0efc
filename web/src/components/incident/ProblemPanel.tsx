"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import { useSession } from "@/components/AppShell";
import { ErrorText } from "@/components/Notices";
import { ProblemStateBadges } from "@/components/problem/ProblemBadges";
import { CreateProblemFromIncidentsDocument, IncidentProblemDocument, LinkIncidentsToProblemDocument, ProblemPageDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { canLinkIncidents, canOwnProblems } from "@/lib/problems";
import { useAction, useIncident } from "./context";

const CLOSED_PROBLEM = ["closed", "cancelled"];

/**
 * The incident's problem, at the top of the page: a known error's workaround first of all. Without
 * one, agents link it to an existing problem and problem managers create one from it.
 */
export function ProblemPanel() {
  const { incident, changeTick } = useIncident();
  const { user } = useSession();
  const router = useRouter();
  const query = useQuery(IncidentProblemDocument, { id: incident.id });
  const action = useAction();
  const [key, setKey] = useState("");
  const reload = query.reload;
  useEffect(() => {
    if (changeTick > 0) void reload();
  }, [changeTick, reload]);

  const data = query.data?.incident;
  const problem = data?.problem ?? null;
  const candidates = (data?.similarIncidentProblems ?? []).filter((c) => !CLOSED_PROBLEM.includes(c.problem.stage));
  const mayLink = canLinkIncidents(user?.role);
  const mayCreate = canOwnProblems(user?.role);

  const linkTo = (problemId: string, version: number) =>
    action.run(async () => {
      await gql(LinkIncidentsToProblemDocument, { input: { problemId, version, incidentIds: [incident.id] } });
      await reload();
    });

  async function linkByKey(e: FormEvent) {
    e.preventDefault();
    const ok = await action.run(async () => {
      const { problem: target } = await gql(ProblemPageDocument, { number: key.trim() });
      await gql(LinkIncidentsToProblemDocument, { input: { problemId: target.id, version: target.version, incidentIds: [incident.id] } });
      await reload();
    });
    if (ok) setKey("");
  }

  const create = () =>
    action.run(async () => {
      const { createProblemFromIncidents } = await gql(CreateProblemFromIncidentsDocument, { input: { incidentIds: [incident.id] } });
      router.push(`/problems/${createProblemFromIncidents.key}`);
    });

  if (query.error) return <ErrorText message={describeError(query.error)} />;
  if (!data) return null;
  if (problem) {
    return (
      <section className={`card problem-link${problem.isKnownError ? " known" : ""}`} aria-labelledby="inc-problem-title">
        <h2 id="inc-problem-title">
          {problem.isKnownError ? "Known error" : "Linked problem"}:{" "}
          <Link href={`/problems/${problem.key}`}>
            {problem.key} {problem.title}
          </Link>{" "}
          <ProblemStateBadges stage={problem.stage} isKnownError={problem.isKnownError} />
        </h2>
        {problem.workaround ? (
          <>
            <p className="workaround-text">
              <strong>Workaround:</strong> {problem.workaround}
            </p>
            <p className="help">
              By {problem.workaroundBy?.name ?? "someone"}
              {problem.workaroundAt ? `, ${exactTime(problem.workaroundAt)}` : ""}
            </p>
          </>
        ) : (
          <p className="muted">No workaround recorded yet.</p>
        )}
      </section>
    );
  }
  if (!mayLink && candidates.length === 0) return null;
  return (
    <section className="card problem-link" aria-labelledby="inc-problem-title">
      <h2 id="inc-problem-title">Problem</h2>
      {candidates.length > 0 && (
        <ul className="problem-candidates">
          {candidates.map((c) => (
            <li key={c.problem.id}>
              <Link href={`/problems/${c.problem.key}`}>
                {c.problem.key} {c.problem.title}
              </Link>{" "}
              <ProblemStateBadges stage={c.problem.stage} isKnownError={c.problem.isKnownError} />{" "}
              <span className="muted">
                linked to {c.similarIncidents} of its similar incident{c.similarIncidents === 1 ? "" : "s"}
              </span>{" "}
              {mayLink && (
                <button type="button" disabled={action.busy} onClick={() => void linkTo(c.problem.id, c.problem.version)}>
                  Link to {c.problem.key}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayLink && (
        <form onSubmit={linkByKey} className="inline-form">
          <div className="field grow">
            <label htmlFor="link-problem">Link to an existing problem</label>
            <input id="link-problem" value={key} onChange={(e) => setKey(e.target.value)} placeholder="PRB-000012" />
          </div>
          <div className="field">
            <span className="label-spacer" aria-hidden="true">
              &nbsp;
            </span>
            <button type="submit" disabled={action.busy || !key.trim()}>
              Link
            </button>
          </div>
          {mayCreate && (
            <div className="field">
              <span className="label-spacer" aria-hidden="true">
                &nbsp;
              </span>
              <button type="button" className="primary" disabled={action.busy} onClick={() => void create()}>
                Create problem from this incident
              </button>
            </div>
          )}
        </form>
      )}
      <ErrorText message={action.error} />
    </section>
  );
}
