"use client";

import { useState } from "react";
import { ErrorText } from "@/components/Notices";
import { TransitionProblemDocument, type ProblemDetailFragment, type ProblemStage } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { PROBLEM_PATH, PROBLEM_STAGE_LABEL } from "@/lib/problems";
import { useProblem, useProblemAction } from "./context";

function reachedAt(p: ProblemDetailFragment, stage: ProblemStage): string | null {
  const stamps: Record<ProblemStage, string | null> = {
    new: p.createdAt,
    investigating: p.investigatingAt,
    root_cause_known: p.rootCauseKnownAt,
    known_error: p.knownErrorAt,
    resolved: p.resolvedAt,
    closed: p.closedAt,
    cancelled: p.cancelledAt,
  };
  return stamps[stage];
}

/** Where the problem is on its path, and (for its owners) the moves it may make next. */
export function StageStepper() {
  const { problem, canOwn, setProblem } = useProblem();
  const action = useProblemAction();
  const [reason, setReason] = useState("");
  const [fix, setFix] = useState(problem.fixDescription ?? "");
  const [done, setDone] = useState<string | null>(null);
  const current = PROBLEM_PATH.indexOf(problem.stage);
  const needsFix = problem.allowedTransitions.includes("resolved");

  const move = (to: ProblemStage) =>
    action.run(async () => {
      setDone(null);
      const { transitionProblem } = await gql(TransitionProblemDocument, {
        input: { id: problem.id, version: problem.version, to, reason: reason.trim() || null, fixDescription: to === "resolved" ? fix.trim() || null : null },
      });
      setProblem(transitionProblem);
      setReason("");
      setDone(`Moved to ${PROBLEM_STAGE_LABEL[to]}.`);
    }, { attemptedStage: to });

  return (
    <section className="card" aria-labelledby="stage-title">
      <h2 id="stage-title">Stage</h2>
      <ol className="stage-path" aria-label="Problem lifecycle">
        {PROBLEM_PATH.map((stage, i) => {
          const at = reachedAt(problem, stage);
          const state = problem.stage === "cancelled" ? (at ? "past" : "") : i < current ? (at ? "past" : "skipped") : i === current ? "current" : "";
          return (
            <li key={stage} className={state} aria-current={i === current ? "step" : undefined} title={at ? `Reached ${exactTime(at)}` : undefined}>
              {PROBLEM_STAGE_LABEL[stage]}
            </li>
          );
        })}
      </ol>
      {problem.stage === "cancelled" && <p>Cancelled{problem.closeReason ? `: ${problem.closeReason}` : ""}.</p>}
      {problem.fixDescription && (
        <p>
          <strong>Fix:</strong> {problem.fixDescription}
        </p>
      )}
      {problem.closeReason && problem.stage === "closed" && (
        <p>
          <strong>Closed with a reason:</strong> {problem.closeReason}
        </p>
      )}
      {canOwn && problem.allowedTransitions.length > 0 && (
        <div className="stage-moves">
          {needsFix && (
            <div className="field">
              <label htmlFor="fix">Fix (needed to resolve)</label>
              <textarea id="fix" rows={2} value={fix} onChange={(e) => setFix(e.target.value)} placeholder="What was changed so it cannot happen again" />
            </div>
          )}
          <div className="field">
            <label htmlFor="move-reason">Reason (needed to cancel, to reopen, or to close inside the quiet period)</label>
            <input id="move-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </div>
          <div className="actions">
            {problem.allowedTransitions.map((to) => (
              <button key={to} type="button" className={to === "cancelled" ? "" : "primary"} disabled={action.busy} onClick={() => void move(to)}>
                {to === "cancelled" ? "Cancel problem" : to === "investigating" && problem.stage === "resolved" ? "Reopen: the fix did not hold" : `Move to ${PROBLEM_STAGE_LABEL[to]}`}
              </button>
            ))}
          </div>
        </div>
      )}
      <ErrorText message={action.error} />
      <p role="status" className="muted">
        {done}
      </p>
    </section>
  );
}
