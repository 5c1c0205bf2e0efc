"use client";

import { useState } from "react";
import { AcceptSuggestionDocument, CorrectSuggestionDocument, SeverityValues, type QueueRowFragment } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { SEVERITY_LABEL } from "@/lib/format";
import { actionable, confidenceLevel, confidenceWords } from "@/lib/suggestions";

/** The model's severity for a queue row, with one click to accept it or pick the right one. */
export function SuggestedSeverity({ row, onDecided }: { row: QueueRowFragment; onDecided: (message: string) => void }) {
  const s = actionable(row.severitySuggestion);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
        <select
          className="small"
          aria-label={`Correct severity for ${row.key}`}
          value=""
          disabled={busy}
          onChange={(e) => {
            const to = e.target.value;
            if (to) void run(() => gql(CorrectSuggestionDocument, { input: { id: s.id, value: to } }), `${row.key}: severity corrected to ${(SEVERITY_LABEL as Record<string, string>)[to] ?? to}.`);
          }}
        >
          <option value="">Correct…</option>
          {SeverityValues.filter((v) => v !== value).map((v) => (
            <option key={v} value={v}>
              {SEVERITY_LABEL[v]}
            </option>
          ))}
        </select>
      </span>
      {error && (
        <span role="alert" className="error small">
          {error}
        </span>
      )}
    </div>
  );
}
