"use client";

import { Bar, BarChart, CartesianGrid, Cell, ComposedChart, Legend, Line, LineChart, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from "recharts";
import type { ChartTable } from "./ChartCard";
import { minutesLabel, monthLabel, weekLabel } from "@/lib/analytics";

type Records = Array<Record<string, unknown>>;
const num = (v: unknown) => (typeof v === "number" ? v : null);
const hours = (v: unknown) => (typeof v === "number" ? Math.round((v / 60) * 10) / 10 : null);

/** MTTA and MTTR per week, in hours. */
export function responseTrend(records: Records) {
  const data = records.map((r) => ({ week: weekLabel(String(r.bucketStart)), mtta: hours(r.mttaMean), mttr: hours(r.mttrMean) }));
  const table: ChartTable = { header: ["week", "MTTA mean (minutes)", "MTTR mean (minutes)"], rows: records.map((r) => [weekLabel(String(r.bucketStart)), num(r.mttaMean), num(r.mttrMean)]) };
  const chart = (
    <ResponsiveContainer width="100%" height={240}>
      <LineChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="week" tick={{ fontSize: 12 }} />
        <YAxis tick={{ fontSize: 12 }} unit=" h" />
        <Tooltip />
        <Legend />
        <Line dataKey="mtta" name="MTTA (hours)" stroke="#2f5aa8" dot={false} isAnimationActive={false} connectNulls />
        <Line dataKey="mttr" name="MTTR (hours)" stroke="#b5441b" dot={false} isAnimationActive={false} connectNulls />
      </LineChart>
    </ResponsiveContainer>
  );
  const last = records.at(-1);
  return { table, chart, summary: `MTTA and MTTR per week over ${records.length} weeks; last week MTTA ${minutesLabel(num(last?.mttaMean))}, MTTR ${minutesLabel(num(last?.mttrMean))}` };
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
