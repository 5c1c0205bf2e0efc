"use client";

import Link from "next/link";
import { useState } from "react";
import { useSession } from "@/components/AppShell";
import { ChangeStageBadge, ChangeTypeBadge } from "@/components/change/ChangeStageBadge";
import { RiskBadge } from "@/components/change/RiskBadge";
import { EnumSelect } from "@/components/EnumSelect";
import { NamedOptions } from "@/components/NamedOptions";
import { ErrorText } from "@/components/Notices";
import { ChangeListDocument, ChangeStageValues, ChangeTypeValues, LookupsDocument, type ChangeFilter, type ChangeStage, type ChangeType } from "@/graphql/generated";
import { CHANGE_STAGE_LABEL, CHANGE_TYPE_LABEL, canRaiseChanges, formatWindow } from "@/lib/changes";
import { describeError } from "@/lib/errors";
import { useQuery } from "@/lib/hooks";

export default function ChangesPage() {
  const { user } = useSession();
  const [stage, setStage] = useState<ChangeStage | "">("");
  const [type, setType] = useState<ChangeType | "">("");
  const [serviceId, setServiceId] = useState("");
  const [search, setSearch] = useState("");
  const filter: ChangeFilter = {
    ...(stage ? { stage: [stage] } : {}),
    ...(type ? { type: [type] } : {}),
    ...(serviceId ? { serviceId } : {}),
    ...(search.trim() ? { search: search.trim() } : {}),
  };
  const list = useQuery(ChangeListDocument, { filter, first: 100 });
  const lookups = useQuery(LookupsDocument, {});
  const rows = list.data?.changes.edges.map((e) => e.node) ?? [];

  return (
    <section aria-labelledby="changes-title">
      <div className="page-head">
        <h1 id="changes-title">Changes</h1>
        <div className="actions">
          <Link href="/changes/calendar">Calendar</Link>
          {canRaiseChanges(user?.role) && (
            <Link href="/changes/new" className="button primary">
              Raise a change
            </Link>
          )}
        </div>
      </div>
      <form className="filters card" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          Stage
          <EnumSelect values={ChangeStageValues} labels={CHANGE_STAGE_LABEL} empty="Any stage" value={stage} onChange={setStage} />
        </label>
        <label className="field">
          Type
          <EnumSelect values={ChangeTypeValues} labels={CHANGE_TYPE_LABEL} empty="Any type" value={type} onChange={setType} />
        </label>
        <label className="field">
          Service
          <select value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <NamedOptions empty="Any service" items={lookups.data?.services ?? []} />
          </select>
        </label>
        <label className="field grow">
          Text
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="title or description" />
        </label>
      </form>
      <ErrorText message={list.error ? describeError(list.error) : null} />
      <p className="muted" aria-live="polite">
        {list.loading ? "Loading…" : `${list.data?.changes.totalCount ?? 0} change(s)`}
      </p>
      <div className="table-wrap">
      <table className="queue">
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col">Type</th>
            <th scope="col">Stage</th>
            <th scope="col">Risk</th>
            <th scope="col">Window</th>
            <th scope="col">Services</th>
            <th scope="col">Owner</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((c) => (
            <tr key={c.id}>
              <td>
                <Link href={`/changes/${c.key}`}>
                  <span className="key">{c.key}</span> {c.title}
                </Link>
              </td>
              <td>
                <ChangeTypeBadge type={c.type} />
              </td>
              <td>
                <ChangeStageBadge stage={c.stage} />
              </td>
              <td>
                <RiskBadge level={c.riskLevel ?? null} score={c.riskScore ?? null} reasons={c.riskReasons} />
              </td>
              <td className="nowrap">{formatWindow(c.plannedStart ?? null, c.plannedEnd ?? null)}</td>
              <td>{c.services.map((s) => s.name).join(", ")}</td>
              <td>{c.owner?.name ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  );
}
