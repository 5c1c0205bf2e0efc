"use client";

import { useState } from "react";
import { ErrorText } from "@/components/Notices";
import { AssignIncidentDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { useAction, useIncident } from "./context";

export function AssignPanel() {
  const { incident, lookups, meId, setIncident } = useIncident();
  const action = useAction();
  const [teamId, setTeamId] = useState(incident.team?.id ?? "");
  const [assigneeId, setAssigneeId] = useState(incident.assignee?.id ?? "");
  const people = (lookups?.users ?? []).filter((u) => u.active && (!teamId || u.teamId === teamId || u.id === assigneeId));

  const assign = (nextAssignee: string, nextTeam: string) =>
    action.run(async () => {
      const { assignIncident } = await gql(AssignIncidentDocument, {
        input: { id: incident.id, version: incident.version, assigneeId: nextAssignee || null, teamId: nextTeam || null },
      });
      setIncident(assignIncident);
      setAssigneeId(assignIncident.assignee?.id ?? "");
      setTeamId(assignIncident.team?.id ?? "");
    });

  const unchanged = teamId === (incident.team?.id ?? "") && assigneeId === (incident.assignee?.id ?? "");

  return (
    <section className="card" aria-labelledby="assign-title">
      <h2 id="assign-title">Assignment</h2>
      <p>
        <span className="muted">Now:</span> {incident.assignee?.name ?? "Unassigned"}
        {incident.team ? ` · ${incident.team.name}` : " · no team"}
      </p>
      <label htmlFor="assign-team">Team</label>
      <select id="assign-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
        <option value="">No team</option>
        {(lookups?.teams ?? []).map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <label htmlFor="assign-user">Assignee</label>
      <select id="assign-user" value={assigneeId} onChange={(e) => setAssigneeId(e.target.value)}>
        <option value="">Unassigned</option>
        {people.map((u) => (
          <option key={u.id} value={u.id}>
            {u.name}
          </option>
        ))}
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
      <ErrorText message={action.error} />
    </section>
  );
}
