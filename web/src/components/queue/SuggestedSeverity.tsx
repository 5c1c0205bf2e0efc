"use client";

import { useState } from "react";
import { AcceptSuggestionDocument, CorrectSuggestionDocument, SeverityValues, type QueueRowFragment } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { SEVERITY_LABEL } from "@/lib/format";
import { actionable, confidenceLevel, confidenceWords } from "@/lib/suggestions";

/** The model's severity for a queue row, with one click to accept it or pick the right one. */
export function SuggestedSeverity({ row, canDecide, onDecided }: { row: QueueRowFragment; canDecide: boolean; onDecided: (message: string) => void }) {
  const s = actionable(row.severitySuggestion);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [correcting, setCorrecting] = useState(false);
  if (!s || !s.value) return null;
  const value = s.value;
  const name = (SEVERITY_LABEL as Record<string, string>)[value] ?? value;

  const run = async (fn: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onDecided(message);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="suggested">
      <span className={`badge conf conf-${confidenceLevel(s.confidence)}`} title={`Suggested by the triage model, confidence ${confidenceWords(s.confidence)}`}>
        Suggested {value} · {confidenceWords(s.confidence)}
      </span>
      {canDecide && (
        <span className="suggested-actions">
          <button
            type="button"
            className="small"
            disabled={busy}
            aria-label={`Accept suggested severity ${name} for ${row.key}`}
            onClick={() => void run(() => gql(AcceptSuggestionDocument, { input: { id: s.id } }), `${row.key}: severity set to ${name}.`)}
          >
            Accept
          </button>
          <button
            type="button"
            className="small"
            disabled={busy}
            aria-expanded={correcting}
            aria-controls={`correct-${row.id}`}
            aria-label={`Correct severity for ${row.key}`}
            onClick={() => setCorrecting(!correcting)}
          >
            Correct…
          </button>
        </span>
      )}
      {canDecide && correcting && (
        // Buttons rather than a <select>: arrowing through a select would commit on the first key press.
        <span className="suggested-actions" id={`correct-${row.id}`} role="group" aria-label={`Correct severity for ${row.key} to`}>
          {SeverityValues.filter((v) => v !== value).map((v) => (
            <button
              key={v}
              type="button"
              className="small"
              disabled={busy}
              title={SEVERITY_LABEL[v]}
              onClick={() => void run(() => gql(CorrectSuggestionDocument, { input: { id: s.id, value: v } }), `${row.key}: severity corrected to ${SEVERITY_LABEL[v]}.`)}
            >
              {v}
            </button>
          ))}
        </span>
      )}
      {error && (
        <span role="alert" className="error small">
          {error}
        </span>
      )}
    </div>
  );
}
