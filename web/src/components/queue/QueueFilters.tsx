"use client";

import { useEffect, useState, type FormEvent } from "react";
import type { LookupsQuery } from "@/graphql/generated";
import { SeverityValues, StageValues } from "@/graphql/generated";
import { SEVERITY_LABEL, STAGE_LABEL } from "@/lib/format";
import { DEFAULT_QUEUE, type QueueParams } from "@/lib/queue";
import { EnumSelect } from "@/components/EnumSelect";
import { NamedOptions } from "@/components/NamedOptions";

export function QueueFilters(props: {
  params: QueueParams;
  lookups: LookupsQuery | null;
  meId: string | null;
  onChange: (patch: Partial<QueueParams>) => void;
}) {
  const { params, lookups, onChange } = props;
  const search = useSearchDraft(params.q, (q) => onChange({ q }));
  const people = (lookups?.users ?? []).filter((u) => u.active).sort((a, b) => a.name.localeCompare(b.name));

  return (
    <form className="filters" role="search" aria-label="Filter the queue" onSubmit={search.submit}>
      <div className="field grow">
        <label htmlFor="f-q">Search</label>
        <div className="inline">
          <input id="f-q" type="search" placeholder="Words in title or description" value={search.draft} onChange={(e) => search.setDraft(e.target.value)} />
          <button type="submit">Search</button>
        </div>
      </div>
      <div className="field">
        <label htmlFor="f-stage">Stage</label>
        <EnumSelect id="f-stage" values={StageValues} labels={STAGE_LABEL} empty="All open stages" value={params.stage} onChange={(stage) => onChange({ stage })} />
      </div>
      <div className="field">
        <label htmlFor="f-priority">Priority</label>
        <select id="f-priority" value={params.priority} onChange={(e) => onChange({ priority: e.target.value })}>
          <option value="">Any</option>
          {[1, 2, 3, 4, 5].map((p) => (
            <option key={p} value={String(p)}>
              P{p}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-severity">Severity</label>
        <EnumSelect id="f-severity" values={SeverityValues} labels={SEVERITY_LABEL} empty="Any" value={params.severity} onChange={(severity) => onChange({ severity })} />
      </div>
      <div className="field">
        <label htmlFor="f-service">Service</label>
        <select id="f-service" value={params.service} onChange={(e) => onChange({ service: e.target.value })}>
          <NamedOptions empty="Any" items={lookups?.services ?? []} />
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-team">Team</label>
        <select id="f-team" value={params.team} onChange={(e) => onChange({ team: e.target.value })}>
          <NamedOptions empty="Any" items={lookups?.teams ?? []} />
        </select>
      </div>
      <div className="field">
        <label htmlFor="f-assignee">Assignee</label>
        <select id="f-assignee" value={params.assignee} onChange={(e) => onChange({ assignee: e.target.value })}>
          <option value="">Anyone</option>
          <option value="me">Me</option>
          <option value="unassigned">Unassigned</option>
          {people.map((u) => (
            <option key={u.id} value={u.id}>
              {u.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field end">
        <span className="label-spacer" aria-hidden="true">
          &nbsp;
        </span>
        <button type="button" onClick={() => onChange({ ...DEFAULT_QUEUE })}>
          Clear filters
        </button>
      </div>
    </form>
  );
}

/** Free-text search applies on submit, so typing does not fire a query per key. */
function useSearchDraft(q: string, apply: (q: string) => void) {
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  return {
    draft,
    setDraft,
    submit: (e: FormEvent) => {
      e.preventDefault();
      apply(draft);
    },
  };
}
