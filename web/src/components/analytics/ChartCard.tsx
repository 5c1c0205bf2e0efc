"use client";

import { useState, type ReactNode } from "react";
import { ErrorText } from "@/components/Notices";
import { AnalyticsMetricsDocument, type MetricsInput } from "@/graphql/generated";
import { graphiqlHref, toCsv } from "@/lib/analytics";
import { apiBaseUrl } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { useQuery } from "@/lib/hooks";

export interface ChartTable {
  header: string[];
  rows: Array<Array<string | number | null>>;
}

interface Props {
  id: string;
  title: string;
  input: MetricsInput;
  /** Said under the title, such as which filters the chart cannot apply. */
  note?: string;
  /** Turns the API's records into what the chart and its table show. */
  shape: (records: Array<Record<string, unknown>>) => { table: ChartTable; chart: ReactNode; summary: string };
}

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

/** One chart of the analyst's page: the chart or its table, a CSV download, and the query in the GraphQL IDE. */
export function ChartCard({ id, title, input, note, shape }: Props) {
  const q = useQuery(AnalyticsMetricsDocument, { input });
  const [asTable, setAsTable] = useState(false);
  const shaped = q.data ? shape(q.data.metrics.records) : null;
  const api = apiBaseUrl();
  return (
    <section className="card analytics-card" aria-labelledby={`${id}-title`} data-chart={id}>
      <div className="analytics-head">
        <h2 id={`${id}-title`}>{title}</h2>
        <div className="analytics-actions">
          <button type="button" className="small" aria-pressed={asTable} onClick={() => setAsTable((v) => !v)}>
            {asTable ? "Show chart" : "Show table"}
          </button>
          <button type="button" className="small" disabled={!shaped} onClick={() => shaped && download(`${id}.csv`, toCsv(shaped.table.header, shaped.table.rows))}>
            Download CSV
          </button>
          {api && (
            <a className="small" href={graphiqlHref(api, "AnalyticsMetrics", "{ columns { measure unit } records }", input)} target="_blank" rel="noreferrer">
              Open in GraphQL IDE
            </a>
          )}
        </div>
      </div>
      {note && <p className="muted">{note}</p>}
      <ErrorText message={q.error ? describeError(q.error) : null} />
      {!shaped && !q.error && <p className="muted">Loading…</p>}
      {shaped &&
        (asTable ? (
          <div className="table-wrap flat">
            <table className="queue">
              <caption className="sr-only">{title}</caption>
              <thead>
                <tr>
                  {shaped.table.header.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {shaped.table.rows.map((r, n) => (
                  <tr key={n}>
                    {r.map((v, i) => (
                      <td key={i}>{v === null ? "–" : typeof v === "number" ? Math.round(v * 10) / 10 : v}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <figure className="chart" aria-label={shaped.summary}>
            {shaped.chart}
          </figure>
        ))}
    </section>
  );
}
