"use client";

import Link from "next/link";
import { useState } from "react";
import { NamedOptions } from "@/components/NamedOptions";
import { ErrorText } from "@/components/Notices";
import { PriorityBadge } from "@/components/Badges";
import { LookupsDocument, ProblemsDocument, type ProblemFilter, type ProblemStage } from "@/graphql/generated";
import { describeError } from "@/lib/errors";
import { exactTime, relativeTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { PROBLEM_PATH, PROBLEM_STAGE_LABEL } from "@/lib/problems";
import { KnownErrorBadge, ProblemStageBadge } from "./ProblemBadges";

const OPEN: ProblemStage[] = ["new", "investigating", "root_cause_known", "known_error"];
type KnownChoice = "" | "yes" | "no";

/** Problems with their linked-incident counts and known-error badges, filtered by stage, service, owner, known error and text. */
export function ProblemList() {
  const lookups = useQuery(LookupsDocument, {});
  const [stage, setStage] = useState<string>("open");
  const [serviceId, setServiceId] = useState("");
  const [ownerId, setOwnerId] = useState("");
  const [known, setKnown] = useState<KnownChoice>("");
  const [text, setText] = useState("");
  const [search, setSearch] = useState("");

  const filter: ProblemFilter = {
    stage: stage === "open" ? OPEN : stage === "" ? null : [stage as ProblemStage],
    serviceId: serviceId || null,
    ownerId: ownerId || null,
    knownError: known === "" ? null : known === "yes",
    text: search || null,
  };
  const list = useQuery(ProblemsDocument, { filter, first: 100 });
  const rows = list.data?.problems.edges.map((e) => e.node) ?? [];
  const owners = (lookups.data?.users ?? []).filter((u) => u.role === "problem_manager" || u.role === "admin");

  return (
    <section aria-labelledby="problems-title">
      <div className="page-head">
        <h1 id="problems-title">Problems</h1>
        <p className="muted" aria-live="polite">
          {list.data ? `${list.data.problems.totalCount} problem${list.data.problems.totalCount === 1 ? "" : "s"}` : "Loading…"}
        </p>
      </div>
      <form
        className="filters"
        role="search"
        aria-label="Filter problems"
        onSubmit={(e) => {
          e.preventDefault();
          setSearch(text.trim());
        }}
      >
        <div className="field">
          <label htmlFor="pf-stage">Stage</label>
          <select id="pf-stage" value={stage} onChange={(e) => setStage(e.target.value)}>
            <option value="open">Open (not resolved)</option>
            <option value="">Any stage</option>
            {[...PROBLEM_PATH, "cancelled" as ProblemStage].map((s) => (
              <option key={s} value={s}>
                {PROBLEM_STAGE_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="pf-service">Service</label>
          <select id="pf-service" value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
            <NamedOptions empty="Any service" items={lookups.data?.services ?? []} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="pf-owner">Owner</label>
          <select id="pf-owner" value={ownerId} onChange={(e) => setOwnerId(e.target.value)}>
            <NamedOptions empty="Anyone" items={owners} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="pf-known">Known error</label>
          <select id="pf-known" value={known} onChange={(e) => setKnown(e.target.value as KnownChoice)}>
            <option value="">Either</option>
            <option value="yes">Known errors only</option>
            <option value="no">Not known errors</option>
          </select>
        </div>
        <div className="field grow">
          <label htmlFor="pf-text">Text</label>
          <input id="pf-text" type="search" value={text} onChange={(e) => setText(e.target.value)} placeholder="e.g. deadlock vacuum" />
        </div>
        <div className="field end">
          <span className="label-spacer" aria-hidden="true">
            &nbsp;
          </span>
          <button type="submit">Search</button>
        </div>
      </form>
      {list.error ? <ErrorText message={describeError(list.error)} /> : null}
      <div className="table-wrap">
        <table className="queue problems">
          <caption className="sr-only">Problems, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Problem</th>
              <th scope="col">Title</th>
              <th scope="col">Stage</th>
              <th scope="col">Priority</th>
              <th scope="col">Linked incidents</th>
              <th scope="col">Services</th>
              <th scope="col">Owner</th>
              <th scope="col">Opened</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.id}>
                <td className="nowrap">{p.key}</td>
                <td>
                  <Link href={`/problems/${p.key}`} className="title-link">
                    {p.title}
                  </Link>{" "}
                  {p.isKnownError && <KnownErrorBadge />}
                </td>
                <td>
                  <ProblemStageBadge stage={p.stage} />
                </td>
                <td>
                  <PriorityBadge priority={p.priority} />
                </td>
                <td className="nowrap">
                  {p.linkedIncidentCount} <span className="muted">({p.openIncidentCount} open)</span>
                </td>
                <td>{p.services.length ? p.services.map((s) => s.name).join(", ") : <span className="muted">—</span>}</td>
                <td>{p.owner?.name ?? <span className="muted">Unowned</span>}</td>
                <td className="nowrap">
                  <time dateTime={p.createdAt} title={exactTime(p.createdAt)}>
                    {relativeTime(p.createdAt)}
                  </time>
                </td>
              </tr>
            ))}
            {list.data && rows.length === 0 && (
              <tr>
                <td colSpan={8} className="empty">
                  No problem matches these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
