"use client";

import { useState } from "react";
import { ErrorText } from "@/components/Notices";
import { UpdateIncidentDocument, type UpdateIncidentInput } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { useAction, useIncident, userName } from "./context";
import { useDraft } from "./useDraft";
import { NamedOptions } from "@/components/NamedOptions";

const ROLES = [
  { key: "commanderId", label: "Incident commander" },
  { key: "communicationsLeadId", label: "Communications lead" },
  { key: "scribeId", label: "Scribe" },
] as const;

/**
 * Major-incident flag and the three roles a major incident needs. Roles are saved with a button:
 * a select that saved on change would save once per arrow key for keyboard users.
 */
export function RolesPanel() {
  const { incident, lookups, setIncident, canEdit } = useIncident();
  const action = useAction();
  const [pendingMajor, setPendingMajor] = useState<boolean | null>(null);
  const people = (lookups?.users ?? []).filter((u) => u.active);
  const form = useDraft(
    { commanderId: incident.commanderId ?? "", communicationsLeadId: incident.communicationsLeadId ?? "", scribeId: incident.scribeId ?? "" },
    incident.version,
  );

  const update = (patch: Partial<UpdateIncidentInput>, version: number) =>
    action.run(async () => {
      const { updateIncident } = await gql(UpdateIncidentDocument, { input: { id: incident.id, version, ...patch } });
      setIncident(updateIncident);
    });

  const saveRoles = async () => {
    const changes = form.changes();
    const patch: Partial<UpdateIncidentInput> = {};
    for (const role of ROLES) if (role.key in changes) patch[role.key] = form.draft[role.key] || null;
    if (await update(patch, form.baseVersion)) form.reset();
  };

  if (!canEdit) {
    return (
      <section className="card" aria-labelledby="roles-title">
        <h2 id="roles-title">Major incident</h2>
        {incident.isMajor ? (
          <dl className="facts">
            {ROLES.map((role) => (
              <div key={role.key}>
                <dt>{role.label}</dt>
                <dd>{incident[role.key] ? userName(lookups, incident[role.key]) : "Not assigned"}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <p className="muted">Not a major incident.</p>
        )}
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="roles-title">
      <h2 id="roles-title">Major incident</h2>
      <label className="check">
        <input
          type="checkbox"
          checked={pendingMajor ?? incident.isMajor}
          disabled={action.busy}
          onChange={(e) => {
            // Show the click at once; the server's answer (or its refusal) settles it.
            const next = e.target.checked;
            setPendingMajor(next);
            void update({ isMajor: next }, incident.version).finally(() => setPendingMajor(null));
          }}
        />
        Declared a major incident
      </label>
      {incident.isMajor && (
        <>
          {ROLES.map((role) => (
            <div key={role.key} className="field">
              <label htmlFor={`role-${role.key}`}>{role.label}</label>
              <select id={`role-${role.key}`} value={form.draft[role.key]} disabled={action.busy} onChange={(e) => form.set(role.key, e.target.value)}>
                <NamedOptions empty="Not assigned" items={people} />
              </select>
            </div>
          ))}
          <div className="actions">
            <button type="button" className="primary" disabled={action.busy || !form.dirty} onClick={() => void saveRoles()}>
              Save roles
            </button>
            {form.dirty && (
              <button type="button" onClick={form.reset}>
                Discard
              </button>
            )}
          </div>
        </>
      )}
      <ErrorText message={action.error} />
    </section>
  );
}
