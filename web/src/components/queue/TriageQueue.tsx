"use client";

import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useSession } from "@/components/AppShell";
import { MajorBadge, PriorityBadge, SeverityBadge, StageBadge } from "@/components/Badges";
import { ErrorText } from "@/components/Notices";
import { LookupsDocument, QueueDocument, type IncidentSortField, type QueueRowFragment } from "@/graphql/generated";
import { describeError } from "@/lib/errors";
import { exactTime, relativeTime } from "@/lib/format";
import { useIncidentChanges, useQuery } from "@/lib/hooks";
import { SlaBadge } from "@/components/sla/SlaBadge";
import { nextSort, parseQueueParams, queueSearch, toIncidentFilter, toIncidentSort, type QueueParams } from "@/lib/queue";
import { QueueFilters } from "./QueueFilters";
import { SuggestedSeverity } from "./SuggestedSeverity";
import { canWriteIncidents } from "@/lib/roles";

const PAGE = 50;
const MAX_ROWS = 200;

export function TriageQueue() {
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const { user } = useSession();
  // The filters live in React state and are mirrored to the URL (bookmarkable, back button).
  // Building each change from the URL instead would lose a change made before the previous
  // router.replace had landed (two quick filter changes in a row).
  const urlSearch = search.toString();
  const [params, setParamsState] = useState<QueueParams>(() => parseQueueParams((n) => search.get(n)));
  const current = useRef(params);
  const written = useRef(queueSearch(params));
  useEffect(() => {
    const fromUrl = parseQueueParams((n) => new URLSearchParams(urlSearch).get(n));
    if (queueSearch(fromUrl) === written.current) return;
    written.current = queueSearch(fromUrl);
    current.current = fromUrl;
    setParamsState(fromUrl);
  }, [urlSearch]);
  const [limit, setLimit] = useState(PAGE);
  const [announcement, setAnnouncement] = useState("");
  const lookups = useQuery(LookupsDocument, {});
  const queue = useQuery(QueueDocument, { filter: toIncidentFilter(params, user?.id ?? null), sort: toIncidentSort(params), first: limit });
  const live = useIncidentChanges(null, () => void queue.reload());

  const setParams = (patch: Partial<QueueParams>) => {
    const next = { ...current.current, ...patch };
    current.current = next;
    written.current = queueSearch(next);
    setParamsState(next);
    setLimit(PAGE);
    router.replace(`${pathname}${written.current}`, { scroll: false });
  };

  const rows: QueueRowFragment[] = queue.data?.incidents.edges.map((e) => e.node) ?? [];
  const total = queue.data?.incidents.totalCount ?? 0;

  return (
    <section aria-labelledby="queue-title">
      <div className="page-head">
        <h1 id="queue-title">Triage queue</h1>
        <p className="muted" aria-live="polite">
          {queue.data ? `${total} incident${total === 1 ? "" : "s"}` : "Loading…"}
          {" · "}
          <span className={live ? "live on" : "live off"}>{live ? "Live updates on" : "Live updates reconnecting"}</span>
        </p>
      </div>
      <QueueFilters params={params} lookups={lookups.data} meId={user?.id ?? null} onChange={setParams} />
      <ErrorText message={queue.error ? describeError(queue.error) : null} />
      <p role="status" className="muted announce">
        {announcement}
      </p>
      <div className="table-wrap">
        <table className="queue">
          <caption className="sr-only">Incidents not yet closed, {sortCaption(params)}</caption>
          <thead>
            <tr>
              <SortHeader label="Incident" field="number" params={params} onSort={setParams} />
              <th scope="col">Title</th>
              <th scope="col">Stage</th>
              <SortHeader label="Priority" field="priority" params={params} onSort={setParams} />
              <SortHeader label="SLA" field="slaDueAt" params={params} onSort={setParams} />
              <th scope="col">Severity</th>
              <th scope="col">Service</th>
              <th scope="col">Team</th>
              <th scope="col">Assignee</th>
              <SortHeader label="Updated" field="updatedAt" params={params} onSort={setParams} />
              <SortHeader label="Opened" field="createdAt" params={params} onSort={setParams} />
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td className="nowrap">
                  <Link href={`/incidents/${row.key}`}>{row.key}</Link>
                </td>
                <td>
                  <Link href={`/incidents/${row.key}`} className="title-link">
                    {row.title}
                  </Link>
                  {row.isMajor && (
                    <>
                      {" "}
                      <MajorBadge />
                    </>
                  )}
                </td>
                <td>
                  <StageBadge stage={row.stage} />
                </td>
                <td>
                  <PriorityBadge priority={row.priority} />
                </td>
                <td className="nowrap">
                  <SlaBadge sla={row.sla} />
                </td>
                <td>
                  <SeverityBadge severity={row.severity} />
                  <SuggestedSeverity
                    row={row}
                    canDecide={canWriteIncidents(user?.role)}
                    onDecided={(message) => {
                      setAnnouncement(message);
                      void queue.reload();
                    }}
                  />
                </td>
                <td>{row.service?.name ?? <span className="muted">—</span>}</td>
                <td>{row.team?.name ?? <span className="muted">—</span>}</td>
                <td>{row.assignee?.name ?? <span className="muted">Unassigned</span>}</td>
                <td className="nowrap">
                  <time dateTime={row.updatedAt} title={exactTime(row.updatedAt)}>
                    {relativeTime(row.updatedAt)}
                  </time>
                </td>
                <td className="nowrap">
                  <time dateTime={row.createdAt} title={exactTime(row.createdAt)}>
                    {relativeTime(row.createdAt)}
                  </time>
                </td>
              </tr>
            ))}
            {queue.data && rows.length === 0 && (
              <tr>
                <td colSpan={11} className="empty">
                  No incidents match these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {queue.data?.incidents.pageInfo.hasNextPage &&
        (limit < MAX_ROWS ? (
          <button type="button" className="more" onClick={() => setLimit(Math.min(MAX_ROWS, limit + PAGE))} disabled={queue.loading}>
            Show {Math.min(PAGE, total - rows.length)} more
          </button>
        ) : (
          <p className="muted">
            Showing the first {MAX_ROWS} of {total}. Narrow the filters to see the rest.
          </p>
        ))}
    </section>
  );
}

function sortCaption(p: QueueParams): string {
  return `sorted by ${p.sort} ${p.dir === "ASC" ? "ascending" : "descending"}`;
}

function SortHeader(props: { label: string; field: IncidentSortField; params: QueueParams; onSort: (patch: Partial<QueueParams>) => void }) {
  const { label, field, params, onSort } = props;
  const active = params.sort === field;
  const ariaSort = active ? (params.dir === "ASC" ? "ascending" : "descending") : "none";
  return (
    <th scope="col" aria-sort={ariaSort}>
      <button type="button" className="sort" onClick={() => onSort(nextSort(params, field))}>
        {label}
        <span aria-hidden="true">{active ? (params.dir === "ASC" ? " ▲" : " ▼") : " ↕"}</span>
      </button>
    </th>
  );
}
