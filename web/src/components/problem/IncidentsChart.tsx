"use client";

import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { weekLabel } from "@/lib/problems";
import { useProblem } from "./context";

/** Linked incidents per week, with the fix marked: whether the fix worked shows as the bars stopping after it. */
export function IncidentsChart() {
  const { problem } = useProblem();
  const data = problem.incidentsPerWeek.map((w) => ({ week: weekLabel(w.weekStart), weekStart: w.weekStart, incidents: w.count }));
  const fixWeek = problem.resolvedAt ? data.filter((d) => d.weekStart <= problem.resolvedAt!).at(-1)?.week : undefined;
  const total = data.reduce((n, d) => n + d.incidents, 0);
  return (
    <section className="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Linked incidents per week</h2>
      {data.length === 0 ? (
        <p className="muted">No linked incidents yet.</p>
      ) : (
        <figure className="chart" aria-label={`${total} linked incidents over ${data.length} week${data.length === 1 ? "" : "s"}`}>
          <ResponsiveContainer width="100%" height={220}>
            <BarChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="week" tick={{ fontSize: 12 }} />
              <YAxis allowDecimals={false} tick={{ fontSize: 12 }} />
              <Tooltip />
              <Bar dataKey="incidents" name="Incidents" fill="#2f5aa8" isAnimationActive={false} />
              {fixWeek && <ReferenceLine x={fixWeek} stroke="#1b7f3b" strokeWidth={2} label={{ value: "fix", position: "top", fill: "#1b7f3b", fontSize: 12 }} />}
            </BarChart>
          </ResponsiveContainer>
          <figcaption className="help">
            {data.map((d) => `${d.week}: ${d.incidents}`).join(" · ")}
            {fixWeek ? ` — resolved in the week of ${fixWeek}` : ""}
          </figcaption>
        </figure>
      )}
    </section>
  );
}
