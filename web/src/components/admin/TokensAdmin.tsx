"use client";

import { EnumSelect } from "@/components/EnumSelect";
import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { AdminApiTokensDocument, AdminCreateApiTokenDocument, AdminRevokeApiTokenDocument, RoleValues, type Role } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { adminError, roleLabel } from "./adminErrors";
import { SecretOnce } from "./SecretOnce";
import { AdminTable } from "./AdminTable";

/** Integration tokens: the token text is shown once, at creation; only its hash is stored. */
export function TokensAdmin() {
  const tokens = useQuery(AdminApiTokensDocument, {});
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("agent");

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const { createApiToken } = await gql(AdminCreateApiTokenDocument, { input: { name, role } });
      setCreated({ name, token: createApiToken.token });
      setName("");
    } catch (err) {
      setError(adminError(err));
    }
    await tokens.reload();
  };

  const revoke = async (id: string) => {
    setError(null);
    try {
      await gql(AdminRevokeApiTokenDocument, { id });
    } catch (err) {
      setError(adminError(err));
    }
    await tokens.reload();
  };

  return (
    <div>
      <ErrorText message={error ?? (tokens.error ? adminError(tokens.error) : null)} />
      {created && (
        <SecretOnce title={`Token “${created.name}” created`} advice="Copy it now: it is shown only this once. It never acts above your own role." secret={created.token} onDone={() => setCreated(null)} />
      )}
      <AdminTable caption="API tokens" captionHidden columns={["Name", "Starts with", "Role", "Created", "Last used", "Status"]} empty="No API tokens yet." isEmpty={tokens.data?.apiTokens.length === 0}>
        {tokens.data?.apiTokens.map((t) => (
          <tr key={t.id}>
            <th scope="row">{t.name}</th>
            <td>
              <code>{t.prefix}…</code>
            </td>
            <td>{roleLabel(t.role)}</td>
            <td>{exactTime(t.createdAt)}</td>
            <td>{t.lastUsedAt ? exactTime(t.lastUsedAt) : <span className="muted">never</span>}</td>
            <td>
              {t.revokedAt ? (
                <span className="badge">revoked</span>
              ) : (
                <button type="button" onClick={() => void revoke(t.id)}>
                  Revoke <span className="sr-only">{t.name}</span>
                </button>
              )}
            </td>
          </tr>
        ))}
      </AdminTable>
      <form className="card inline-form" onSubmit={create} aria-label="Create an API token">
        <div className="grow">
          <label htmlFor="token-name">Token name</label>
          <input id="token-name" required value={name} onChange={(e) => setName(e.target.value)} placeholder="alertmanager" />
        </div>
        <div>
          <label htmlFor="token-role">Role</label>
          <EnumSelect id="token-role" values={RoleValues} labels={roleLabel} value={role} onChange={setRole} />
        </div>
        <button type="submit" className="primary">
          Create token
        </button>
      </form>
    </div>
  );
}
