"use client";

import { useEffect, useState } from "react";
import { useSession } from "@/components/AppShell";
import { FailedJobsCard } from "@/components/metrics/FailedJobsCard";
import { IncidentMetricsCard } from "@/components/metrics/IncidentMetricsCard";
import { ErrorText } from "@/components/Notices";
import { ModelRegistryDocument, RetrainModelsDocument, SuggestionMetricsDocument } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { ApiError, describeError } from "@/lib/errors";
import { exactTime, percent } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { holdoutFigures, outcomeText } from "@/lib/metrics";
import { KIND_LABEL } from "@/lib/suggestions";

export default function MetricsPage() {
  const { user } = useSession();
  const metrics = useQuery(SuggestionMetricsDocument, {});
  const registry = useQuery(ModelRegistryDocument, {});
  const [retrainError, setRetrainError] = useState<string | null>(null);
  const forbidden = registry.error instanceof ApiError && registry.error.code === "FORBIDDEN";
  const running = registry.data?.trainingRuns.some((r) => r.status === "queued" || r.status === "running") ?? false;
  const reloadRegistry = registry.reload;

  // While a training runs, follow its progress.
  useEffect(() => {
    if (!running) return;
    const t = setInterval(() => void reloadRegistry(), 3000);
    return () => clearInterval(t);
  }, [running, reloadRegistry]);

  const retrain = async () => {
    setRetrainError(null);
    try {
      await gql(RetrainModelsDocument, {});
      await registry.reload();
    } catch (err) {
      setRetrainError(describeError(err));
    }
  };

  return (
    <section aria-labelledby="metrics-title">
      <h1 id="metrics-title">Metrics</h1>

      <IncidentMetricsCard />

      <div className="card">
        <h2>How often people agree with the suggestions</h2>
        <ErrorText message={metrics.error ? describeError(metrics.error) : null} />
        {metrics.data && (
          <div className="table-wrap flat">
            <table className="queue">
              <thead>
                <tr>
                  <th scope="col">Kind</th>
                  <th scope="col">Precision</th>
                  <th scope="col">Coverage</th>
                  <th scope="col">Accepted</th>
                  <th scope="col">Corrected</th>
                  <th scope="col">Dismissed</th>
                  <th scope="col">Awaiting</th>
                  <th scope="col">Abstained</th>
                </tr>
              </thead>
              <tbody>
                {metrics.data.suggestionMetrics.map((m) => (
                  <tr key={m.kind}>
                    <th scope="row">{KIND_LABEL[m.kind]}</th>
                    <td>{m.precision === null ? <span className="muted">no decisions yet</span> : `${percent(m.precision)} of ${m.decided}`}</td>
                    <td>{m.coverage === null ? <span className="muted">—</span> : `${percent(m.coverage)} (${m.coveredIncidents} of ${m.triagedIncidents})`}</td>
                    <td>{m.accepted}</td>
                    <td>{m.corrected}</td>
                    <td>{m.dismissed}</td>
                    <td>{m.pending}</td>
                    <td>{m.abstained}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <p className="help">Precision: accepted ÷ decided. Coverage: share of triaged incidents that got a suggestion rather than an abstention.</p>
      </div>

      <div className="card">
        <h2>Models</h2>
        {forbidden ? (
          <p className="muted">The model registry and training runs are visible to analysts and admins.</p>
        ) : (
          <>
            <ErrorText message={registry.error ? describeError(registry.error) : null} />
            {registry.data && (
              <div className="table-wrap flat">
                <table className="queue">
                  <thead>
                    <tr>
                      <th scope="col">Model</th>
                      <th scope="col">Status</th>
                      <th scope="col">Examples</th>
                      <th scope="col">Trained on</th>
                      <th scope="col">Holdout (previous active model in brackets)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {registry.data.models.map((m) => (
                      <tr key={m.id}>
                        <th scope="row">
                          {m.kind} v{m.version}
                        </th>
                        <td>{m.active ? <strong>Active</strong> : m.status}</td>
                        <td>{m.nExamples}</td>
                        <td className="small">
                          {m.trainingFrom && m.trainingTo ? `${exactTime(m.trainingFrom)} – ${exactTime(m.trainingTo)}` : "—"}
                        </td>
                        <td className="small">
                          {holdoutFigures(m.metrics)
                            .slice(0, 4)
                            .map((f) => `${f.name} ${f.value}${f.previous ? ` (${f.previous})` : ""}`)
                            .join(" · ") || "—"}
                        </td>
                      </tr>
                    ))}
                    {registry.data.models.length === 0 && (
                      <tr>
                        <td colSpan={5} className="empty">
                          No model trained yet.
                        </td>
                      </tr>
                    )}
                  </tbody>
                </table>
              </div>
            )}
            <h2 className="spaced">Training runs</h2>
            <ul className="runs">
              {(registry.data?.trainingRuns ?? []).map((r) => (
                <li key={r.id}>
                  <strong>{r.status}</strong> · {r.trigger} · {exactTime(r.createdAt)}
                  {(r.status === "running" || r.status === "queued") && (
                    <>
                      {" "}
                      <progress max={100} value={r.percent} aria-label="Training progress">
                        {Math.round(r.percent)}%
                      </progress>{" "}
                      {Math.round(r.percent)}% — {r.stage}
                    </>
                  )}
                  {r.error && <span className="error small">{r.error}</span>}
                  {r.outcomes.length > 0 && (
                    <ul className="small">
                      {r.outcomes.map((o, i) => (
                        <li key={i}>{outcomeText(o)}</li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ul>
            {user?.role === "admin" ? (
              <div className="actions">
                <button type="button" onClick={() => void retrain()} disabled={running}>
                  {running ? "Training…" : "Retrain now"}
                </button>
              </div>
            ) : (
              <p className="help">Retraining runs on a schedule; an admin can also start one here.</p>
            )}
            <ErrorText message={retrainError} />
          </>
        )}
      </div>

      {user?.role === "admin" && <FailedJobsCard />}
    </section>
  );
}
