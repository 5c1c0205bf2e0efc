"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { useSession } from "@/components/AppShell";
import { PriorityBadge } from "@/components/Badges";
import { ConflictBanner, ErrorText } from "@/components/Notices";
import { LookupsDocument, ProblemChangedDocument, ProblemPageDocument, type ProblemDetailFragment } from "@/graphql/generated";
import { describeError } from "@/lib/errors";
import { exactTime } from "@/lib/format";
import { useLiveChanges, useQuery } from "@/lib/hooks";
import { canLinkIncidents, canOwnProblems } from "@/lib/problems";
import { AnalysisPanel } from "./AnalysisPanel";
import { ProblemContext } from "./context";
import { IncidentsChart } from "./IncidentsChart";
import { LinkedIncidents } from "./LinkedIncidents";
import { ProblemStateBadges } from "./ProblemBadges";
import { ProblemTasks, ProblemTimeline } from "./ProblemWork";
import { StageStepper } from "./StageStepper";
import { WorkaroundPanel } from "./WorkaroundPanel";

export function ProblemView({ problemKey }: { problemKey: string }) {
  const { user } = useSession();
  const query = useQuery(ProblemPageDocument, { number: problemKey });
  const lookups = useQuery(LookupsDocument, {});
  const [problem, setProblem] = useState<ProblemDetailFragment | null>(null);
  const [conflict, setConflict] = useState(false);

  useEffect(() => {
    if (query.data) setProblem(query.data.problem);
  }, [query.data]);

  const refresh = useCallback(async () => {
    await query.reload();
  }, [query]);
  const live = useLiveChanges(ProblemChangedDocument, { problemId: problem?.id ?? null }, () => void refresh());

  if (query.error && !problem) {
    return (
      <section>
        <p>
          <Link href="/problems">← Problems</Link>
        </p>
        <ErrorText message={describeError(query.error)} />
      </section>
    );
  }
  if (!problem) return <p className="muted">Loading {problemKey}…</p>;

  return (
    <ProblemContext.Provider
      value={{
        problem,
        lookups: lookups.data,
        canOwn: canOwnProblems(user?.role),
        canLink: canLinkIncidents(user?.role),
        meId: user?.id ?? null,
        setProblem,
        refresh,
        reportConflict: () => setConflict(true),
      }}
    >
      <article aria-labelledby="problem-title" className="incident problem">
        <p className="crumbs">
          <Link href="/problems">← Problems</Link>
        </p>
        <header className="incident-head">
          <h1 id="problem-title">
            <span className="key">{problem.key}</span> {problem.title}
          </h1>
          <div className="badges">
            <ProblemStateBadges stage={problem.stage} isKnownError={problem.isKnownError} />
            <PriorityBadge priority={problem.priority} />
            <span className={live ? "live on" : "live off"}>{live ? "Live" : "Reconnecting"}</span>
          </div>
        </header>
        {conflict && (
          <ConflictBanner
            onReload={() => {
              setConflict(false);
              void refresh();
            }}
          />
        )}
        <div className="incident-grid">
          <div className="col-main">
            <section className="card" aria-labelledby="statement-title">
              <h2 id="statement-title">Problem statement</h2>
              <p className="statement">{problem.statement || <span className="muted">No statement yet.</span>}</p>
            </section>
            <StageStepper />
            <WorkaroundPanel />
            <AnalysisPanel />
            <IncidentsChart />
            <LinkedIncidents />
            <ProblemTasks />
            <ProblemTimeline />
          </div>
          <aside className="col-side" aria-label="Problem facts">
            <section className="card" aria-labelledby="facts-title">
              <h2 id="facts-title">Facts</h2>
              <dl className="times">
                <div>
                  <dt>Owner</dt>
                  <dd>{problem.owner?.name ?? "Unowned"}</dd>
                </div>
                <div>
                  <dt>Services</dt>
                  <dd>{problem.services.map((s) => s.name).join(", ") || "—"}</dd>
                </div>
                <div>
                  <dt>Impact × urgency</dt>
                  <dd>
                    {problem.impact} × {problem.urgency}
                  </dd>
                </div>
                <div>
                  <dt>Priority</dt>
                  <dd>P{problem.priority}</dd>
                </div>
                <div>
                  <dt>Linked incidents</dt>
                  <dd>
                    {problem.linkedIncidentCount} ({problem.openIncidentCount} open)
                  </dd>
                </div>
                <div>
                  <dt>Opened</dt>
                  <dd>{exactTime(problem.createdAt)}</dd>
                </div>
                {problem.resolvedAt && (
                  <div>
                    <dt>Resolved</dt>
                    <dd>{exactTime(problem.resolvedAt)}</dd>
                  </div>
                )}
                {problem.closedAt && (
                  <div>
                    <dt>Closed</dt>
                    <dd>{exactTime(problem.closedAt)}</dd>
                  </div>
                )}
              </dl>
              <p className="help">Why P{problem.priority}: {problem.priorityReason}</p>
            </section>
          </aside>
        </div>
      </article>
    </ProblemContext.Provider>
  );
}
