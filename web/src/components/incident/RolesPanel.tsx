"use client";

import { ErrorText } from "@/components/Notices";
import { UpdateIncidentDocument, type UpdateIncidentInput } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { useAction, useIncident } from "./context";

const ROLES = [
  { key: "commanderId", label: "Incident commander" },
  { key: "communicationsLeadId", label: "Communications lead" },
  { key: "scribeId", label: "Scribe" },
] as const;

/** Major-incident flag and the three roles a major incident needs. */
export function RolesPanel() {
  const { incident, lookups, setIncident } = useIncident();
  const action = useAction();
  const people = (lookups?.users ?? []).filter((u) => u.active);

  const update = (patch: Partial<UpdateIncidentInput>) =>
    action.run(async () => {
      const { updateIncident } = await gql(UpdateIncidentDocument, { input: { id: incident.id, version: incident.version, ...patch } });
      setIncident(updateIncident);
    });

  return (
    <section className="card" aria-labelledby="roles-title">
      <h2 id="roles-title">Major incident</h2>
      <label className="check">
        <input type="checkbox" checked={incident.isMajor} disabled={action.busy} onChange={(e) => void update({ isMajor: e.target.checked })} />
        Declared a major incident
      </label>
      {incident.isMajor &&
        ROLES.map((role) => (
          <div key={role.key} className="field">
            <label htmlFor={`role-${role.key}`}>{role.label}</label>
            <select
              id={`role-${role.key}`}
              value={incident[role.key] ?? ""}
              disabled={action.busy}
              onChange={(e) => void update({ [role.key]: e.target.value || null })}
            >
              <option value="">Not assigned</option>
              {people.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </div>
        ))}
      <ErrorText message={action.error} />
    </section>
  );
}
