"use client";

import { EnumSelect } from "@/components/EnumSelect";
import { useState, type FormEvent } from "react";
import { useSession } from "@/components/AppShell";
import { NamedOptions } from "@/components/NamedOptions";
import { ErrorText } from "@/components/Notices";
import {
  AdminChangeUserRoleDocument,
  AdminCreateUserDocument,
  AdminDeactivateUserDocument,
  AdminIssuePasswordResetDocument,
  AdminReactivateUserDocument,
  AdminUsersDocument,
  RoleValues,
  type Role,
} from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { useAdminAction } from "./useAdminAction";
import { adminError, roleLabel } from "./adminErrors";

/** People: create, change role, deactivate/reactivate, issue a one-time password reset code. */
export function UsersAdmin() {
  const { user: me } = useSession();
  const users = useQuery(AdminUsersDocument, {});
  const [reset, setReset] = useState<{ name: string; code: string; expiresAt: string } | null>(null);
  const [form, setForm] = useState({ email: "", name: "", password: "", role: "agent" as Role, teamId: "" });

  const { error, act } = useAdminAction(users.reload);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      await gql(AdminCreateUserDocument, { input: { ...form, teamId: form.teamId || null } });
      setForm({ email: "", name: "", password: "", role: "agent", teamId: "" });
    });
  };

  return (
    <div>
      <ErrorText message={error ?? (users.error ? adminError(users.error) : null)} />
      {reset && (
        <div role="status" className="card">
          <h3>One-time reset code for {reset.name}</h3>
          <p>
            Give it to them over a trusted channel; it is shown only now, works once and expires {exactTime(reset.expiresAt)}. They enter it at <code>/reset-password</code>.
          </p>
          <p>
            <code className="secret">{reset.code}</code>
          </p>
          <button type="button" onClick={() => setReset(null)}>
            Done
          </button>
        </div>
      )}
      <div className="table-wrap">
        <table className="queue">
          <caption className="sr-only">Users</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Team</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data?.users.map((u) => (
              <tr key={u.id}>
                <th scope="row">{u.name}</th>
                <td>{u.email}</td>
                <td>{u.team?.name ?? <span className="muted">—</span>}</td>
                <td>
                  <label className="sr-only" htmlFor={`role-${u.id}`}>
                    Role of {u.name}
                  </label>
                  <EnumSelect
                    id={`role-${u.id}`}
                    values={RoleValues}
                    labels={roleLabel}
                    value={u.role}
                    disabled={u.id === me?.id}
                    onChange={(role) => void act(() => gql(AdminChangeUserRoleDocument, { input: { id: u.id, version: u.version, role } }))}
                  />
                </td>
                <td>{u.active ? "active" : <span className="badge">deactivated</span>}</td>
                <td className="inline">
                  {u.id !== me?.id &&
                    (u.active ? (
                      <button type="button" onClick={() => void act(() => gql(AdminDeactivateUserDocument, { input: { id: u.id, version: u.version } }))}>
                        Deactivate <span className="sr-only">{u.name}</span>
                      </button>
                    ) : (
                      <button type="button" onClick={() => void act(() => gql(AdminReactivateUserDocument, { input: { id: u.id, version: u.version } }))}>
                        Reactivate <span className="sr-only">{u.name}</span>
                      </button>
                    ))}
                  {u.active && (
                    <button
                      type="button"
                      onClick={() =>
                        void act(async () => {
                          const { issuePasswordReset } = await gql(AdminIssuePasswordResetDocument, { input: { id: u.id } });
                          setReset({ name: u.name, ...issuePasswordReset });
                        })
                      }
                    >
                      Reset password <span className="sr-only">of {u.name}</span>
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <form className="card" onSubmit={create} aria-labelledby="new-user-title">
        <h3 id="new-user-title">Add a user</h3>
        <div className="grid-form">
          <div>
            <label htmlFor="new-user-name">Name</label>
            <input id="new-user-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
          </div>
          <div>
            <label htmlFor="new-user-email">Email</label>
            <input id="new-user-email" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
          </div>
          <div>
            <label htmlFor="new-user-password">Initial password (12+ characters, hard to guess)</label>
            <input id="new-user-password" type="password" autoComplete="new-password" required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
          </div>
          <div>
            <label htmlFor="new-user-role">Role</label>
            <EnumSelect id="new-user-role" values={RoleValues} labels={roleLabel} value={form.role} onChange={(role) => setForm({ ...form, role })} />
          </div>
          <div>
            <label htmlFor="new-user-team">Team</label>
            <select id="new-user-team" value={form.teamId} onChange={(e) => setForm({ ...form, teamId: e.target.value })}>
              <NamedOptions empty="No team" items={users.data?.teams ?? []} />
            </select>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Add user
          </button>
        </div>
      </form>
    </div>
  );
}
