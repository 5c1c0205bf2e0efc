"use client";

import { ErrorText } from "@/components/Notices";
import { AssignIncidentDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { useAction, useIncident } from "./context";
import { useDraft } from "./useDraft";
import { NamedOptions } from "@/components/NamedOptions";

export function AssignPanel() {
  const { incident, lookups, meId, setIncident, canEdit } = useIncident();
  const action = useAction();
  // Follows the incident (live changes, accepted team suggestions) until the user picks something.
  const form = useDraft({ teamId: incident.team?.id ?? "", assigneeId: incident.assignee?.id ?? "" }, incident.version);
  const { teamId, assigneeId } = form.draft;
  const setTeamId = (v: string) => form.set("teamId", v);
  const setAssigneeId = (v: string) => form.set("assigneeId", v);
  const people = (lookups?.users ?? []).filter((u) => u.active && (!teamId || u.teamId === teamId || u.id === assigneeId));

  const assign = (nextAssignee: string, nextTeam: string) =>
    action.run(async () => {
      const { assignIncident } = await gql(AssignIncidentDocument, {
        input: { id: incident.id, version: form.baseVersion, assigneeId: nextAssignee || null, teamId: nextTeam || null },
      });
      setIncident(assignIncident);
      form.reset();
    });

  const unchanged = teamId === (incident.team?.id ?? "") && assigneeId === (incident.assignee?.id ?? "");

  return (
    <section className="card" aria-labelledby="assign-title">
      <h2 id="assign-title">Assignment</h2>
      <p>
        <span className="muted">Now:</span> {incident.assignee?.name ?? "Unassigned"}
        {incident.team ? ` · ${incident.team.name}` : " · no team"}
      </p>
      {canEdit && (
        <>
          <label htmlFor="assign-team">Team</label>
          <select id="assign-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
            <NamedOptions empty="No team" items={lookups?.teams ?? []} />
          </select>
          <label htmlFor="assign-user">Assignee</label>
          <select id="assign-user" value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
            <NamedOptions empty="Unassigned" items={people} />
          </select>
          <div className="actions">
            <button type="button" className="primary" disabled={action.busy || unchanged} onClick={() => void assign(assigneeId, teamId)}>
              Assign
            </button>
            {meId && incident.assignee?.id !== meId && (
              <button type="button" disabled={action.busy} onClick={() => void assign(meId, teamId)}>
                Assign to me
              </button>
            )}
          </div>
        </>
      )}
      <ErrorText message={action.error} />
    </section>
  );
}
