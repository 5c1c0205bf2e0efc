"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { useSession } from "@/components/AppShell";
import { MajorBadge, PriorityBadge, SeverityBadge, StageBadge } from "@/components/Badges";
import { ConflictBanner, ErrorText } from "@/components/Notices";
import { IncidentPageDocument, LookupsDocument, type IncidentDetailFragment } from "@/graphql/generated";
import { describeError } from "@/lib/errors";
import { canWriteIncidents } from "@/lib/roles";
import { useIncidentChanges, useQuery } from "@/lib/hooks";
import { IncidentContext } from "./context";
import { AssignPanel } from "./AssignPanel";
import { FieldsForm } from "./FieldsForm";
import { ReportEditor } from "./ReportEditor";
import { RolesPanel } from "./RolesPanel";
import { ProblemPanel } from "./ProblemPanel";
import { StagePanel } from "./StagePanel";
import { TasksPanel } from "./TasksPanel";
import { Timeline } from "./Timeline";
import { StageTimes } from "./StageTimes";
import { SuggestionsPanel } from "./SuggestionsPanel";
import { WhatChangedPanel } from "./WhatChangedPanel";
import { SlaPanel } from "@/components/sla/SlaPanel";
import { AlertsPanel } from "./AlertsPanel";

export function IncidentView({ incidentKey }: { incidentKey: string }) {
  const { user } = useSession();
  const query = useQuery(IncidentPageDocument, { number: incidentKey });
  const lookups = useQuery(LookupsDocument, {});
  const [incident, setIncident] = useState<IncidentDetailFragment | null>(null);
  const [conflict, setConflict] = useState(false);
  // Bumped on an explicit reload so forms drop their drafts and start again from the server's copy.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (query.data) setIncident(query.data.incident);
  }, [query.data]);

  const reload = useCallback(async () => {
    await query.reload();
    setConflict(false);
    setGeneration((g) => g + 1);
  }, [query]);

  const [changeTick, setChangeTick] = useState(0);
  const refresh = useCallback(async () => {
    await query.reload();
    setChangeTick((t) => t + 1);
  }, [query]);

  const live = useIncidentChanges(incident?.id ?? null, () => void refresh());

  if (query.error && !incident) {
    return (
      <section>
        <p>
          <Link href="/">← Triage queue</Link>
        </p>
        <ErrorText message={describeError(query.error)} />
      </section>
    );
  }
  if (!incident) return <p className="muted">Loading {incidentKey}…</p>;
  const canWrite = canWriteIncidents(user?.role);

  return (
    <IncidentContext.Provider
      value={{
        incident,
        lookups: lookups.data,
        meId: user?.id ?? null,
        canWrite,
        canEdit: canWrite && !incident.readOnlyReason,
        setIncident: (next) => {
          setIncident(next);
          setChangeTick((t) => t + 1);
        },
        refresh,
        reload,
        changeTick,
        reportConflict: () => setConflict(true),
      }}
    >
      <article aria-labelledby="incident-title" className="incident">
        <p className="crumbs">
          <Link href="/">← Triage queue</Link>
        </p>
        <header className="incident-head">
          <h1 id="incident-title">
            <span className="key">{incident.key}</span> {incident.title}
          </h1>
          <div className="badges">
            <StageBadge stage={incident.stage} />
            <PriorityBadge priority={incident.priority} />
            <SeverityBadge severity={incident.severity} />
            {incident.isMajor && <MajorBadge />}
            {incident.reopenCount > 0 && <span className="badge">Reopened {incident.reopenCount}×</span>}
            <span className={live ? "live on" : "live off"}>{live ? "Live" : "Reconnecting"}</span>
          </div>
        </header>
        {canWrite && incident.readOnlyReason && (
          <p className="muted read-only-reason" role="note">
            Read-only: {incident.readOnlyReason}
          </p>
        )}
        {conflict && <ConflictBanner onReload={() => void reload()} />}
        <div className="incident-grid" key={generation}>
          <div className="col-main">
            <ProblemPanel />
            <StagePanel />
            <SuggestionsPanel />
            <WhatChangedPanel canLink={!!user && user.role !== "analyst"} />
            <AlertsPanel />
            <FieldsForm />
            <Timeline />
            <TasksPanel />
            <ReportEditor />
          </div>
          <aside className="col-side" aria-label="Assignment and roles">
            <SlaPanel />
            <AssignPanel />
            <RolesPanel />
            <StageTimes />
          </aside>
        </div>
      </article>
    </IncidentContext.Provider>
  );
}
