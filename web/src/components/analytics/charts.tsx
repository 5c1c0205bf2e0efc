"use client";

import { Bar, BarChart, CartesianGrid, Cell, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import type { ChartTable } from "./ChartCard";
import type { MetricsMeasure } from "@/graphql/generated";
import { minutesLabel, monthLabel, weekLabel } from "@/lib/analytics";

type Records = Array<Record<string, unknown>>;
const num = (v: unknown) => (typeof v === "number" ? v : null);
const wholeMinutes = (v: unknown) => (typeof v === "number" ? Math.round(v) : null);
const hours = (v: unknown) => (typeof v === "number" ? Math.round((v / 60) * 10) / 10 : null);

/** A ratio (0–1) as a percentage with one decimal, as the charts and tables show it. */
const pct = (v: unknown) => (typeof v === "number" ? Math.round(v * 1000) / 10 : null);
const pctLabel = (v: unknown) => (typeof v === "number" ? `${pct(v)}%` : "–");
/** The latest bucket with a value for the measure: a ratio over no rows is null, and a summary should not read "–" just because the current week is young. */
const lastWith = (records: Records, measure: string) => [...records].reverse().find((r) => typeof r[measure] === "number");
const PERCENT_AXIS = { domain: [0, 100] as [number, number], ticks: [0, 25, 50, 75, 100], unit: "%", tick: { fontSize: 12 }, width: 48 };

/**
 * MTTA in minutes on the right axis, MTTR in hours on the left: on one hours axis MTTA (tens of
 * minutes) sat flat at zero under MTTR (a day or more).
 */
export function responseTrend(records: Records) {
  const data = records.map((r) => ({ week: weekLabel(String(r.bucketStart)), mtta: wholeMinutes(r.mttaMean), mttr: hours(r.mttrMean) }));
  const table: ChartTable = { header: ["week", "MTTA mean (minutes)", "MTTR mean (minutes)"], rows: records.map((r) => [weekLabel(String(r.bucketStart)), num(r.mttaMean), num(r.mttrMean)]) };
  const chart = (
    <ResponsiveContainer width="100%" height={260}>
      <LineChart data={data} margin={{ top: 10, right: 4, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="week" tick={{ fontSize: 12 }} />
        <YAxis yAxisId="mttr" tick={{ fontSize: 12, fill: MTTR_COLOUR }} unit=" h" width={56} label={{ value: "MTTR (hours)", angle: -90, position: "insideLeft", fontSize: 12, fill: MTTR_COLOUR }} />
        <YAxis yAxisId="mtta" orientation="right" tick={{ fontSize: 12, fill: MTTA_COLOUR }} unit=" min" width={64} label={{ value: "MTTA (minutes)", angle: 90, position: "insideRight", fontSize: 12, fill: MTTA_COLOUR }} />
        <Tooltip />
        <Legend />
        <Line yAxisId="mtta" dataKey="mtta" name="MTTA (minutes, right axis)" stroke={MTTA_COLOUR} dot={false} isAnimationActive={false} connectNulls />
        <Line yAxisId="mttr" dataKey="mttr" name="MTTR (hours, left axis)" stroke={MTTR_COLOUR} dot={false} isAnimationActive={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );
  const last = records.at(-1);
  return { table, chart, summary: `MTTA and MTTR per week over ${records.length} weeks; last week MTTA ${minutesLabel(num(last?.mttaMean))}, MTTR ${minutesLabel(num(last?.mttrMean))}` };
}
const MTTA_COLOUR = "#2f5aa8";
const MTTR_COLOUR = "#b5441b";

/** One line of a weekly percentage chart: the ratio measure it draws and how people read it. */
interface RateLine {
  measure: MetricsMeasure;
  /** Legend and table column, without the unit. */
  label: string;
  colour: string;
  dashed?: boolean;
}

/** Ratio measures per week as percentage lines on a 0–100 axis, with their table and the latest value of each. */
function ratesByWeek(records: Records, lines: readonly RateLine[]) {
  const data = records.map((r) => Object.fromEntries([["week", weekLabel(String(r.bucketStart))], ...lines.map((l) => [l.measure, pct(r[l.measure])])]));
  const table: ChartTable = { header: ["week", ...lines.map((l) => `${l.label.toLowerCase()} (%)`)], rows: data.map((d) => [d.week, ...lines.map((l) => d[l.measure])]) };
  const chart = (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="week" tick={{ fontSize: 12 }} />
        <YAxis {...PERCENT_AXIS} />
        <Tooltip />
        <Legend />
        {lines.map((l) => (
          <Line key={l.measure} dataKey={l.measure} name={`${l.label} (%)`} stroke={l.colour} strokeDasharray={l.dashed ? "6 3" : undefined} dot={false} isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
  return { table, chart, latest: lines.map((l) => pctLabel(lastWith(records, l.measure)?.[l.measure])) };
}

const SLA_LINES = [
  { measure: "slaResponseCompliance", label: "Response target met", colour: "#2f5aa8" },
  { measure: "slaResolutionCompliance", label: "Resolution target met", colour: "#1b7f3b", dashed: true },
] as const satisfies readonly RateLine[];
export const SLA_MEASURES = SLA_LINES.map((l) => l.measure);

/** Share of SLA clocks met per week, response and resolution, in percent. */
export function slaCompliance(records: Records) {
  const { table, chart, latest } = ratesByWeek(records, SLA_LINES);
  return { table, chart, summary: `SLA targets met per week over ${records.length} weeks; latest response ${latest[0]}, resolution ${latest[1]}` };
}

const RECURRENCE_LINES = [
  { measure: "recurrenceRate", label: "Linked to a problem", colour: "#6b3fa0" },
  { measure: "reopenRate", label: "Reopened", colour: "#b5441b", dashed: true },
] as const satisfies readonly RateLine[];
export const RECURRENCE_MEASURES = RECURRENCE_LINES.map((l) => l.measure);

/** Incidents that came back, per week: linked to a problem (recurrence) and reopened, in percent. */
export function recurrence(records: Records) {
  const { table, chart, latest } = ratesByWeek(records, RECURRENCE_LINES);
  return { table, chart, summary: `Recurring incidents per week over ${records.length} weeks; latest ${latest[0]} linked to a problem, ${latest[1]} reopened` };
}

export const CHANGE_MEASURES = ["changeSuccessRate", "changesImplemented"] as const satisfies readonly MetricsMeasure[];

/** Change success rate per week (percent, left axis) over the changes implemented (count, bars on the right axis), so a rate over two changes reads as such. */
export function changeSuccess(records: Records) {
  const data = records.map((r) => ({ week: weekLabel(String(r.bucketStart)), success: pct(r.changeSuccessRate), implemented: num(r.changesImplemented) }));
  const table: ChartTable = { header: ["week", "success rate (%)", "changes implemented"], rows: data.map((d) => [d.week, d.success, d.implemented]) };
  const chart = (
    <ResponsiveContainer width="100%" height={260}>
      <ComposedChart data={data} margin={{ top: 10, right: 4, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="week" tick={{ fontSize: 12 }} />
        <YAxis yAxisId="rate" {...PERCENT_AXIS} />
        <YAxis yAxisId="count" orientation="right" allowDecimals={false} tick={{ fontSize: 12 }} width={40} label={{ value: "Changes", angle: 90, position: "insideRight", fontSize: 12 }} />
        <Tooltip />
        <Legend />
        <Bar yAxisId="count" dataKey="implemented" name="Changes implemented (right axis)" fill="#8ea2c4" isAnimationActive={false} />
        <Line yAxisId="rate" dataKey="success" name="Success rate (%, left axis)" stroke="#1b7f3b" dot={false} isAnimationActive={false} connectNulls />
      </ComposedChart>
    </ResponsiveContainer>
  );
  const implemented = data.reduce((n, d) => n + (d.implemented ?? 0), 0);
  // A week's rate times its count is its successful changes, so the period's rate is exact, not a mean of rates.
  const succeeded = records.reduce((n, r) => n + (num(r.changeSuccessRate) ?? 0) * (num(r.changesImplemented) ?? 0), 0);
  return { table, chart, summary: `${implemented} changes implemented over ${data.length} weeks; ${implemented ? pctLabel(succeeded / implemented) : "no"} successful` };
}

/** Created and resolved per week as bars, the backlog at each week's end as a line. */
export function createdResolved(records: Records) {
  const data = records.map((r) => ({ week: weekLabel(String(r.bucketStart)), created: num(r.incidentsCreated), resolved: num(r.incidentsResolved), backlog: num(r.incidentBacklog) }));
  const table: ChartTable = { header: ["week", "created", "resolved", "backlog at week end"], rows: data.map((d) => [d.week, d.created, d.resolved, d.backlog]) };
  const chart = (
    <ResponsiveContainer width="100%" height={240}>
      <ComposedChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="week" tick={{ fontSize: 12 }} />
        <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
        <Tooltip />
        <Legend />
        <Bar dataKey="created" name="Created" fill="#2f5aa8" isAnimationActive={false} />
        <Bar dataKey="resolved" name="Resolved" fill="#1b7f3b" isAnimationActive={false} />
        <Line dataKey="backlog" name="Backlog at week end" stroke="#b5441b" dot={false} isAnimationActive={false} />
      </ComposedChart>
    </ResponsiveContainer>
  );
  const created = data.reduce((n, d) => n + (d.created ?? 0), 0);
  const resolved = data.reduce((n, d) => n + (d.resolved ?? 0), 0);
  return { table, chart, summary: `${created} incidents created and ${resolved} resolved over ${data.length} weeks; backlog now ${data.at(-1)?.backlog ?? 0}` };
}

/** Blue from pale to dark by share of the largest cell. */
function heat(value: number, max: number): string {
  const t = max ? value / max : 0;
  const mix = (a: number, b: number) => Math.round(a + (b - a) * t);
  return `rgb(${mix(234, 23)}, ${mix(240, 63)}, ${mix(250, 130)})`;
}

/** Incidents per service and month, as a grid of squares coloured by count. */
export function serviceHeatMap(records: Records) {
  const months = [...new Set(records.map((r) => monthLabel(String(r.bucketStart))))];
  const services = [...new Set(records.map((r) => String(r.group)))].sort();
  const data = records.map((r) => ({ month: monthLabel(String(r.bucketStart)), service: String(r.group), incidents: num(r.incidentsCreated) ?? 0 }));
  const max = Math.max(0, ...data.map((d) => d.incidents));
  const table: ChartTable = {
    header: ["service", ...months],
    rows: services.map((s) => [s, ...months.map((m) => data.find((d) => d.service === s && d.month === m)?.incidents ?? 0)]),
  };
  const chart = (
    <ResponsiveContainer width="100%" height={Math.max(160, 40 + services.length * 34)}>
      <ScatterChart margin={{ top: 10, right: 16, bottom: 0, left: 10 }}>
        <XAxis type="category" dataKey="month" allowDuplicatedCategory={false} tick={{ fontSize: 12 }} />
        <YAxis type="category" dataKey="service" allowDuplicatedCategory={false} width={160} tick={{ fontSize: 12 }} />
        <ZAxis type="number" dataKey="incidents" range={[600, 600]} name="Incidents" />
        <Tooltip />
        <Scatter data={data} shape="square" isAnimationActive={false}>
          {data.map((d, n) => (
            <Cell key={n} fill={heat(d.incidents, max)} stroke="#c7cfdb" />
          ))}
        </Scatter>
      </ScatterChart>
    </ResponsiveContainer>
  );
  return { table, chart, summary: `Incidents per service and month: ${services.length} services over ${months.length} months, at most ${max} in one cell` };
}

const STAGES = [
  { label: "Acknowledge", median: "mttaMedian", p90: "mttaP90" },
  { label: "Contain", median: "timeToContainMedian", p90: "timeToContainP90" },
  { label: "Recover", median: "timeToRecoverMedian", p90: "timeToRecoverP90" },
  { label: "Resolve", median: "mttrMedian", p90: "mttrP90" },
] as const;
export const STAGE_MEASURES = STAGES.flatMap((s) => [s.median, s.p90]);

/** Median and 90th percentile of each stage's duration from identification, in hours. */
export function stageDurations(records: Records) {
  const r = records[0] ?? {};
  const data = STAGES.map((s) => ({ stage: s.label, median: hours(r[s.median]), p90: hours(r[s.p90]) }));
  const table: ChartTable = { header: ["stage", "median (minutes)", "p90 (minutes)"], rows: STAGES.map((s) => [s.label, num(r[s.median]), num(r[s.p90])]) };
  const chart = (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="stage" tick={{ fontSize: 12 }} />
        <YAxis tick={{ fontSize: 12 }} unit=" h" />
        <Tooltip />
        <Legend />
        <Bar dataKey="median" name="Median (hours)" fill="#2f5aa8" isAnimationActive={false} />
        <Bar dataKey="p90" name="90th percentile (hours)" fill="#8ea2c4" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
  return { table, chart, summary: STAGES.map((s) => `${s.label}: median ${minutesLabel(num(r[s.median]))}, p90 ${minutesLabel(num(r[s.p90]))}`).join("; ") };
}
