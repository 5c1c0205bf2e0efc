"use client";

import Link from "next/link";
import { useSession } from "@/components/AppShell";
import { ProblemFixingChangesDocument } from "@/graphql/generated";
import { CHANGE_STAGE_LABEL, canRaiseChanges } from "@/lib/changes";
import { useQuery } from "@/lib/hooks";

interface ProblemRef {
  id: string;
  key: string;
  title: string;
  statement: string;
  services: Array<{ id: string }>;
}

/** On a problem page: the changes that fix it, and "Raise a change to fix this" (pre-filled). */
export function FixingChangesPanel({ problem }: { problem: ProblemRef }) {
  const { user } = useSession();
  const fixing = useQuery(ProblemFixingChangesDocument, { id: problem.id });
  const changes = fixing.data?.problem.fixingChanges ?? [];
  const params = new URLSearchParams({ problemId: problem.id, title: problem.title, description: `Fixes ${problem.key}: ${problem.statement}`.trim() });
  for (const s of problem.services) params.append("serviceId", s.id);
  return (
    <section className="card" aria-labelledby="fixing-changes-title">
      <h2 id="fixing-changes-title">Changes that fix it</h2>
      {changes.length === 0 ? (
        <p className="muted">{fixing.loading ? "Loading…" : "None yet."}</p>
      ) : (
        <ul>
          {changes.map((c) => (
            <li key={c.id}>
              <Link href={`/changes/${c.key}`}>{c.key}</Link> {c.title} ({CHANGE_STAGE_LABEL[c.stage]})
            </li>
          ))}
        </ul>
      )}
      {canRaiseChanges(user?.role) && <Link href={`/changes/new?${params.toString()}`}>Raise a change to fix this</Link>}
    </section>
  );
}
