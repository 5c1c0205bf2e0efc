"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useMemo } from "react";
import { AnalyticsLookupsDocument } from "@/graphql/generated";
import { filtersToSearch, metricsInput, parseFilters, type AnalyticsFilters } from "@/lib/analytics";
import { useQuery } from "@/lib/hooks";
import { ChartCard } from "./ChartCard";
import { CHANGE_MEASURES, changeSuccess, createdResolved, RECURRENCE_MEASURES, recurrence, responseTrend, serviceHeatMap, SLA_MEASURES, slaCompliance, STAGE_MEASURES, stageDurations } from "./charts";

const PRIORITIES = [1, 2, 3, 4, 5].map((p) => ({ id: String(p), name: `P${p}` }));

function FilterSelect(props: { id: string; label: string; all: string; value: string; options: Array<{ id: string; name: string }>; onChange: (value: string) => void }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.target.value)}>
        <option value="">{props.all}</option>
        {props.options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}

/** The analyst's page: filters in the URL, charts each with its table, CSV and query. */
export function AnalyticsView() {
  const search = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = useMemo(() => parseFilters((n) => search.get(n)), [search]);
  const lookups = useQuery(AnalyticsLookupsDocument, {});
  const set = (patch: Partial<AnalyticsFilters>) => {
    const qs = filtersToSearch({ ...filters, ...patch });
    router.replace(qs ? `${pathname}?${qs}` : pathname, { scroll: false });
  };
  const trend = useMemo(() => metricsInput(filters, { measures: ["mttaMean", "mttrMean"], bucket: "week" }), [filters]);
  const flow = useMemo(() => metricsInput(filters, { measures: ["incidentsCreated", "incidentsResolved", "incidentBacklog"], bucket: "week" }), [filters]);
  const heat = useMemo(() => metricsInput(filters, { measures: ["incidentsCreated"], groupBy: "service", bucket: "month" }), [filters]);
  const stages = useMemo(() => metricsInput(filters, { measures: [...STAGE_MEASURES] }), [filters]);
  const sla = useMemo(() => metricsInput(filters, { measures: SLA_MEASURES, bucket: "week" }), [filters]);
  const recurring = useMemo(() => metricsInput(filters, { measures: RECURRENCE_MEASURES, bucket: "week" }), [filters]);
  // Changes have no service, team or priority the metrics API filters on (it refuses such a filter), so only the period applies.
  const changes = useMemo(() => metricsInput({ ...filters, service: "", team: "", priority: "" }, { measures: [...CHANGE_MEASURES], bucket: "week" }), [filters]);
  const changeFiltersIgnored = Boolean(filters.service || filters.team || filters.priority);

  return (
    <section aria-labelledby="analytics-title">
      <h1 id="analytics-title">Analytics</h1>
      <form className="card inline-form" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor="a-from">From (UTC day)</label>
          <input id="a-from" type="date" value={filters.from} max={filters.to} onChange={(e) => e.target.value && set({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="a-to">Until (UTC day, not included)</label>
          <input id="a-to" type="date" value={filters.to} min={filters.from} onChange={(e) => e.target.value && set({ to: e.target.value })} />
        </div>
        <FilterSelect id="a-service" label="Service" all="All services" value={filters.service} options={lookups.data?.services ?? []} onChange={(service) => set({ service })} />
        <FilterSelect id="a-team" label="Team" all="All teams" value={filters.team} options={lookups.data?.teams ?? []} onChange={(team) => set({ team })} />
        <FilterSelect id="a-priority" label="Priority" all="All priorities" value={filters.priority} options={PRIORITIES} onChange={(priority) => set({ priority })} />
      </form>
      <div className="analytics-grid">
        <ChartCard id="response-trend" title="MTTA (minutes) and MTTR (hours) by week" input={trend} shape={responseTrend} />
        <ChartCard id="sla-compliance" title="SLA compliance by week (%)" input={sla} shape={slaCompliance} />
        <ChartCard id="recurrence" title="Recurring incidents by week (%)" input={recurring} shape={recurrence} />
        <ChartCard
          id="change-success"
          title="Change success rate by week (%)"
          input={changes}
          note={changeFiltersIgnored ? "All changes in the period: service, team and priority do not apply to changes." : undefined}
          shape={changeSuccess}
        />
        <ChartCard id="created-resolved" title="Created vs resolved, and backlog" input={flow} shape={createdResolved} />
        <ChartCard id="service-heat-map" title="Incidents by service and month" input={heat} shape={serviceHeatMap} />
        <ChartCard id="stage-durations" title="Stage durations: median and 90th percentile" input={stages} shape={stageDurations} />
      </div>
    </section>
  );
}
