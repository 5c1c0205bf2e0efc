"use client";

import { EnumSelect } from "@/components/EnumSelect";
import { useState, type FormEvent } from "react";
import { NamedOptions } from "@/components/NamedOptions";
import { ErrorText } from "@/components/Notices";
import {
  AdminCatalogDocument,
  AdminCreateServiceDocument,
  AdminCreateTeamDocument,
  AdminDeleteServiceDocument,
  AdminDeleteTeamDocument,
  AdminUpdateServiceDocument,
  AdminUpdateTeamDocument,
  CriticalityValues,
} from "@/graphql/generated";
import { gql } from "@/lib/client";
import { useQuery } from "@/lib/hooks";
import { useAdminAction } from "./useAdminAction";
import { adminError } from "./adminErrors";

/** Teams and services: create, rename, re-own, delete (refused while anything refers to them). */
export function CatalogAdmin({ part }: { part: "teams" | "services" }) {
  const catalog = useQuery(AdminCatalogDocument, {});
  const [name, setName] = useState("");
  const [ownerTeamId, setOwnerTeamId] = useState("");

  const { error, act } = useAdminAction(catalog.reload);

  const create = (e: FormEvent) => {
    e.preventDefault();
    void act(async () => {
      if (part === "teams") await gql(AdminCreateTeamDocument, { input: { name } });
      else await gql(AdminCreateServiceDocument, { input: { name, ownerTeamId } });
      setName("");
    });
  };

  const rename = (id: string, version: number, current: string) => {
    const next = window.prompt(`New name for ${current}`, current);
    if (!next || next === current) return;
    void act(() => (part === "teams" ? gql(AdminUpdateTeamDocument, { input: { id, version, name: next } }) : gql(AdminUpdateServiceDocument, { input: { id, version, name: next } })));
  };

  const teams = catalog.data?.teams ?? [];
  return (
    <div>
      <ErrorText message={error ?? (catalog.error ? adminError(catalog.error) : null)} />
      <div className="table-wrap">
        <table className="queue">
          <caption className="sr-only">{part === "teams" ? "Teams" : "Services"}</caption>
          <thead>
            {part === "teams" ? (
              <tr>
                <th scope="col">Team</th>
                <th scope="col">Contact</th>
                <th scope="col">Actions</th>
              </tr>
            ) : (
              <tr>
                <th scope="col">Service</th>
                <th scope="col">Owner team</th>
                <th scope="col">Criticality</th>
                <th scope="col">Actions</th>
              </tr>
            )}
          </thead>
          <tbody>
            {part === "teams"
              ? teams.map((t) => (
                  <tr key={t.id}>
                    <th scope="row">{t.name}</th>
                    <td>{t.contactEmail ?? <span className="muted">—</span>}</td>
                    <td className="inline">
                      <button type="button" onClick={() => rename(t.id, t.version, t.name)}>
                        Rename <span className="sr-only">{t.name}</span>
                      </button>
                      <button type="button" onClick={() => void act(() => gql(AdminDeleteTeamDocument, { input: { id: t.id, version: t.version } }))}>
                        Delete <span className="sr-only">{t.name}</span>
                      </button>
                    </td>
                  </tr>
                ))
              : catalog.data?.services.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">{s.name}</th>
                    <td>
                      <label className="sr-only" htmlFor={`owner-${s.id}`}>
                        Owner team of {s.name}
                      </label>
                      <select id={`owner-${s.id}`} value={s.ownerTeamId} onChange={(e) => void act(() => gql(AdminUpdateServiceDocument, { input: { id: s.id, version: s.version, ownerTeamId: e.target.value } }))}>
                        <NamedOptions empty="Choose a team" items={teams} />
                      </select>
                    </td>
                    <td>
                      <label className="sr-only" htmlFor={`criticality-${s.id}`}>
                        Criticality of {s.name}
                      </label>
                      <EnumSelect
                        id={`criticality-${s.id}`}
                        values={CriticalityValues}
                        value={s.criticality}
                        onChange={(criticality) => void act(() => gql(AdminUpdateServiceDocument, { input: { id: s.id, version: s.version, criticality } }))}
                      />
                    </td>
                    <td className="inline">
                      <button type="button" onClick={() => rename(s.id, s.version, s.name)}>
                        Rename <span className="sr-only">{s.name}</span>
                      </button>
                      <button type="button" onClick={() => void act(() => gql(AdminDeleteServiceDocument, { input: { id: s.id, version: s.version } }))}>
                        Delete <span className="sr-only">{s.name}</span>
                      </button>
                    </td>
                  </tr>
                ))}
          </tbody>
        </table>
      </div>
      <form className="card inline-form" onSubmit={create} aria-label={part === "teams" ? "Add a team" : "Add a service"}>
        <div className="grow">
          <label htmlFor={`new-${part}-name`}>{part === "teams" ? "New team name" : "New service name"}</label>
          <input id={`new-${part}-name`} required minLength={2} value={name} onChange={(e) => setName(e.target.value)} />
        </div>
        {part === "services" && (
          <div className="grow">
            <label htmlFor="new-service-owner">Owner team</label>
            <select id="new-service-owner" required value={ownerTeamId} onChange={(e) => setOwnerTeamId(e.target.value)}>
              <NamedOptions empty="Choose a team" items={teams} />
            </select>
          </div>
        )}
        <button type="submit" className="primary">
          {part === "teams" ? "Add team" : "Add service"}
        </button>
      </form>
    </div>
  );
}
