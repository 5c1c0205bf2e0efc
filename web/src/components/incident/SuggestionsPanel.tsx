"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { StageBadge } from "@/components/Badges";
import { KnownErrorBadge, ProblemStateBadges } from "@/components/problem/ProblemBadges";
import { ErrorText } from "@/components/Notices";
import {
  AcceptSuggestionDocument,
  CorrectSuggestionDocument,
  DismissSuggestionDocument,
  IncidentSuggestionsDocument,
  RetriageIncidentDocument,
  SeverityValues,
  type SuggestionItemFragment,
  type SuggestionKind,
} from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { SEVERITY_LABEL, percent } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { confidenceLevel, confidenceWords, KIND_LABEL, matchScore, similarDecision, STATUS_LABEL, suggestionText } from "@/lib/suggestions";
import { useAction, useIncident } from "./context";

const CLASSIFIERS: SuggestionKind[] = ["severity", "team", "category"];
const SIMILAR_SHOWN = 3;

/** What the triage models propose for this incident, with why, and the agent's decision on each. */
export function SuggestionsPanel() {
  const { incident, changeTick, refresh, canEdit } = useIncident();
  const query = useQuery(IncidentSuggestionsDocument, { id: incident.id });
  const action = useAction();
  const [note, setNote] = useState<string | null>(null);
  const [showAll, setShowAll] = useState(false);

  const reloadSuggestions = query.reload;
  useEffect(() => {
    if (changeTick > 0) void reloadSuggestions();
  }, [changeTick, reloadSuggestions]);

  const all = query.data?.incident.suggestions ?? [];
  // Decisions are for open incidents and for roles that may make them; otherwise what was suggested and decided shows read-only.
  const ended = !!incident.readOnlyReason;
  const readOnly = !canEdit;
  const similar = all.filter((s) => s.kind === "similar" && !s.abstained).sort((a, b) => a.rank - b.rank);
  const problems = all.filter((s) => s.kind === "problem" && !s.abstained).sort((a, b) => a.rank - b.rank);

  const decide = (fn: () => Promise<unknown>, done: string) =>
    action.run(async () => {
      setNote(null);
      await fn();
      await Promise.all([query.reload(), refresh()]);
      setNote(done);
    });

  const retriage = () => decide(() => gql(RetriageIncidentDocument, { id: incident.id }), "Asked the models to look again; new suggestions appear here when ready.");

  return (
    <section className="card suggestions" aria-labelledby="suggestions-title">
      <h2 id="suggestions-title">Suggestions</h2>
      {query.error ? <ErrorText message={describeError(query.error)} /> : null}
      {query.data && all.length === 0 && <p className="muted">No suggestions yet for this incident.</p>}
      <div className="suggestion-grid">
        {CLASSIFIERS.map((kind) => {
          const s = all.filter((x) => x.kind === kind).sort((a, b) => a.rank - b.rank)[0];
          return s ? <ClassifierSuggestion key={kind} s={s} busy={action.busy} readOnly={readOnly} ended={ended} decide={decide} /> : null;
        })}
      </div>
      {problems.map((s) => (
        <ProblemSuggestion key={s.id} s={s} busy={action.busy} readOnly={readOnly} decide={decide} />
      ))}
      {similar.length > 0 && (
        <div className="similar">
          <h3>Similar past incidents</h3>
          <ol>
            {(showAll ? similar : similar.slice(0, SIMILAR_SHOWN)).map((s) => (
              <SimilarItem key={s.id} s={s} busy={action.busy} readOnly={readOnly} decide={decide} />
            ))}
          </ol>
          {similar.length > SIMILAR_SHOWN && (
            <button type="button" className="link-like" aria-expanded={showAll} onClick={() => setShowAll(!showAll)}>
              {showAll ? "Show fewer" : `Show all ${similar.length} similar incidents`}
            </button>
          )}
        </div>
      )}
      {!readOnly && (
        <div className="actions">
          <button type="button" disabled={action.busy} onClick={() => void retriage()}>
            Suggest again
          </button>
        </div>
      )}
      <ErrorText message={action.error} />
      <p role="status" className="muted">
        {note}
      </p>
    </section>
  );
}

type Decide = (fn: () => Promise<unknown>, done: string) => Promise<boolean>;

function ClassifierSuggestion({ s, busy, readOnly, ended, decide }: { s: SuggestionItemFragment; busy: boolean; readOnly: boolean; ended: boolean; decide: Decide }) {
  const { lookups } = useIncident();
  const [correction, setCorrection] = useState("");
  const label = KIND_LABEL[s.kind];
  const id = `sugg-${s.id}`;

  if (s.abstained) {
    return (
      <div role="group" className="suggestion abstained" aria-labelledby={`${id}-h`}>
        <h3 id={`${id}-h`}>{label}</h3>
        <p className="muted">No suggestion: {s.abstainReason ?? "the model is not confident enough."}</p>
      </div>
    );
  }

  const value = suggestionText(s);
  const level = confidenceLevel(s.confidence);
  const options =
    s.kind === "severity"
      ? SeverityValues.map((v) => ({ value: v as string, label: SEVERITY_LABEL[v] }))
      : s.kind === "team"
        ? (lookups?.teams ?? []).map((t) => ({ value: t.id, label: t.name }))
        : null;
  const correctedText =
    s.kind === "severity" && s.correctedValue
      ? (SEVERITY_LABEL as Record<string, string>)[s.correctedValue] ?? s.correctedValue
      : s.kind === "team"
        ? lookups?.teams.find((t) => t.id === s.correctedValue)?.name ?? s.correctedValue
        : s.correctedValue;

  return (
    <div role="group" className="suggestion" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        {label}: <span className="suggested-value">{value}</span>
      </h3>
      <p className="confidence">
        <span className={`badge conf conf-${level}`}>Confidence {confidenceWords(s.confidence)}</span>
        {s.modelVersion && <span className="muted"> · {s.modelVersion}</span>}
      </p>
      {s.reasonTerms.length > 0 && (
        <p className="reasons">
          <span className="muted">Because of: </span>
          {s.reasonTerms.slice(0, 5).map((t, i) => (
            <span key={t.term}>
              {i > 0 && ", "}“{t.term}”
            </span>
          ))}
        </p>
      )}
      {s.status === "pending" && !readOnly ? (
        <>
          {s.alternatives.length > 1 && (
            <div className="actions alternatives" role="group" aria-label={`Pick one of the top ${s.alternatives.length} teams`}>
              {s.alternatives.map((a) => (
                <button
                  key={a.value}
                  type="button"
                  className={a.value === s.value ? "primary" : undefined}
                  disabled={busy}
                  onClick={() =>
                    void decide(
                      () => (a.value === s.value ? gql(AcceptSuggestionDocument, { input: { id: s.id } }) : gql(CorrectSuggestionDocument, { input: { id: s.id, value: a.value } })),
                      a.value === s.value ? `${label} set to ${a.label}.` : `${label} set to ${a.label}; the next training learns from it.`,
                    )
                  }
                >
                  {a.label} · {percent(a.confidence)}
                </button>
              ))}
            </div>
          )}
          <div className="actions">
            {s.alternatives.length <= 1 && (
              <button
                type="button"
                className="primary"
                disabled={busy}
                onClick={() => void decide(() => gql(AcceptSuggestionDocument, { input: { id: s.id } }), `${label} set to ${value}.`)}
              >
                Accept
              </button>
            )}
            <button
              type="button"
              disabled={busy}
              onClick={() => void decide(() => gql(DismissSuggestionDocument, { input: { id: s.id } }), `${label} suggestion dismissed.`)}
            >
              Dismiss
            </button>
          </div>
          <div className="actions correct">
            <label htmlFor={`${id}-fix`} className="sr-only">
              Correct {label.toLowerCase()} to
            </label>
            {options ? (
              <select id={`${id}-fix`} value={correction} onChange={(e) => setCorrection(e.target.value)} disabled={busy}>
                <option value="">Correct to…</option>
                {options
                  .filter((o) => o.value !== s.value)
                  .map((o) => (
                    <option key={o.value} value={o.value}>
                      {o.label}
                    </option>
                  ))}
              </select>
            ) : (
              <input id={`${id}-fix`} value={correction} onChange={(e) => setCorrection(e.target.value)} placeholder="Correct to…" disabled={busy} />
            )}
            <button
              type="button"
              disabled={busy || correction.trim() === ""}
              onClick={() =>
                void decide(() => gql(CorrectSuggestionDocument, { input: { id: s.id, value: correction.trim() } }), `${label} corrected; the next training learns from it.`)
              }
            >
              Correct
            </button>
          </div>
        </>
      ) : (
        <p className="decision">
          <strong>{s.status === "pending" && ended ? "Not decided" : STATUS_LABEL[s.status]}</strong>
          {s.status === "corrected" && correctedText ? ` to ${correctedText}` : ""}
          {s.decidedBy ? ` by ${s.decidedBy.name}` : ""}
        </p>
      )}
    </div>
  );
}

function SimilarItem({ s, busy, readOnly, decide }: { s: SuggestionItemFragment; busy: boolean; readOnly: boolean; decide: Decide }) {
  const past = s.similarIncident;
  return (
    <li className="similar-item">
      <div>
        {past ? (
          <Link href={`/incidents/${past.key}`}>
            {past.key} {past.title}
          </Link>
        ) : (
          <span>{s.label ?? "An earlier incident"}</span>
        )}{" "}
        {past && <StageBadge stage={past.stage} />}
        {past?.problem && (
          <>
            {" "}
            <Link href={`/problems/${past.problem.key}`} className="small">
              {past.problem.key}
            </Link>
            {past.problem.isKnownError && (
              <>
                {" "}
                <KnownErrorBadge />
              </>
            )}
          </>
        )}
      </div>
      <p className="muted small">
        Match {matchScore(s.confidence)}
        {s.sameService ? ` · same service${past?.service ? ` (${past.service.name})` : ""}` : ""}
        {s.sharedTerms.length > 0 ? ` · shares “${s.sharedTerms.slice(0, 5).join("”, “")}”` : ""}
      </p>
      <p className="resolution">
        <span className="muted">Resolution: </span>
        {past?.resolution ?? <span className="muted">none recorded</span>}
      </p>
      {s.status === "pending" && !readOnly ? (
        <div className="actions small">
          <button type="button" disabled={busy} onClick={() => void decide(() => gql(AcceptSuggestionDocument, { input: { id: s.id } }), "Marked as helpful.")}>
            Helpful
          </button>
          <button type="button" disabled={busy} onClick={() => void decide(() => gql(DismissSuggestionDocument, { input: { id: s.id } }), "Marked as not similar.")}>
            Not similar
          </button>
        </div>
      ) : (
        <p className="decision small">{similarDecision(s.status)}</p>
      )}
    </li>
  );
}

/** An open problem or known error this incident looks like: the match, why, and the workaround to try now. */
function ProblemSuggestion({ s, busy, readOnly, decide }: { s: SuggestionItemFragment; busy: boolean; readOnly: boolean; decide: Decide }) {
  const p = s.problem;
  const id = `sugg-${s.id}`;
  return (
    <div role="group" className="suggestion problem-suggestion" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>
        Looks like{" "}
        {p ? (
          <Link href={`/problems/${p.key}`}>
            {p.key} {p.title}
          </Link>
        ) : (
          s.label
        )}{" "}
        {p && <ProblemStateBadges stage={p.stage} isKnownError={p.isKnownError} />}
      </h3>
      <p className="muted small">
        Match {matchScore(s.confidence)}
        {s.matchedIncidents.length > 0 ? ` · like its ${s.matchedIncidents.join(", ")}` : ""}
        {s.sameService ? " · same service" : ""}
        {s.sharedTerms.length > 0 ? ` · shares “${s.sharedTerms.slice(0, 5).join("”, “")}”` : ""}
      </p>
      {p?.workaround && (
        <p className="workaround-text">
          <strong>Workaround:</strong> {p.workaround}
        </p>
      )}
      {s.status === "pending" && !readOnly ? (
        <div className="actions small">
          <button type="button" className="primary" disabled={busy} onClick={() => void decide(() => gql(AcceptSuggestionDocument, { input: { id: s.id } }), `Linked to ${p?.key ?? "the problem"}.`)}>
            Link to {p?.key ?? "problem"}
          </button>
          <button type="button" disabled={busy} onClick={() => void decide(() => gql(DismissSuggestionDocument, { input: { id: s.id } }), "Problem suggestion dismissed.")}>
            Not this problem
          </button>
        </div>
      ) : (
        <p className="decision small">{s.status === "accepted" ? "Linked" : STATUS_LABEL[s.status]}</p>
      )}
    </div>
  );
}
