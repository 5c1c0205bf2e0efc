"use client";

import { useState } from "react";
import { ErrorText } from "@/components/Notices";
import { ApproveChangeDocument, RejectChangeDocument, type ChangeDetailFragment } from "@/graphql/generated";
import { canApproveChanges } from "@/lib/changes";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";

interface Props {
  change: ChangeDetailFragment;
  meId: string | null;
  role: string | undefined;
  name: (id: string) => string;
  onChange: (c: ChangeDetailFragment) => void;
  onError: (err: unknown) => string | null;
}

/** Who has decided, who has not, and (for an eligible approver) approve or reject. */
export function ApprovalsCard({ change, meId, role, name, onChange, onError }: Props) {
  const [comment, setComment] = useState("");
  const [override, setOverride] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const a = change.approvals;
  if (change.type === "standard") {
    return (
      <section className="card" aria-labelledby="approvals-title">
        <h2 id="approvals-title">Approvals</h2>
        <p className="muted">A standard change is pre-approved by its template.</p>
      </section>
    );
  }
  const own = meId === change.requester?.id || meId === change.owner?.id;
  const decided = a.decisions.some((d) => d.approverId === meId);
  const mayDecide = change.stage === "assessing" && canApproveChanges(role) && !own && !decided;

  async function decide(kind: "approve" | "reject") {
    setBusy(true);
    setError(null);
    try {
      const input = { id: change.id, version: change.version, comment: comment.trim() || null, overrideReason: override.trim() || null };
      const next = kind === "approve" ? (await gql(ApproveChangeDocument, { input })).approveChange : (await gql(RejectChangeDocument, { input })).rejectChange;
      onChange(next);
      setComment("");
    } catch (err) {
      setError(onError(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="approvals-title">
      <h2 id="approvals-title">Approvals</h2>
      <p>
        {change.type === "emergency" ? "Needs one emergency approver (change manager or admin)." : `Needs ${a.required} CAB approvals.`}{" "}
        {a.rejected ? "Rejected." : a.complete ? "Complete." : `${a.stillNeeded} still needed (round ${a.round}).`}
      </p>
      <h3 className="label">Decided</h3>
      {a.decisions.length ? (
        <ul>
          {a.decisions.map((d) => (
            <li key={d.id}>
              <strong>{name(d.approverId)}</strong> {d.decision} · {exactTime(d.decidedAt)}
              {d.comment ? ` — “${d.comment}”` : ""}
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">Nobody yet.</p>
      )}
      {change.stage === "assessing" && (
        <>
          <h3 className="label">Not yet decided</h3>
          {a.pending.length ? (
            <ul className="approvers" aria-label="Pending approvers">
              {a.pending.map((u) => (
                <li key={u.id} className="badge">
                  {u.name}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">Everyone eligible has decided.</p>
          )}
        </>
      )}
      {change.stage === "assessing" && canApproveChanges(role) && own && <p className="help">You requested or own this change, so you cannot decide on it.</p>}
      {mayDecide && (
        <div className="decide">
          <label htmlFor="decision-comment">Comment (required to reject)</label>
          <textarea id="decision-comment" rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
          {change.conflicts.length > 0 && (
            <>
              <label htmlFor="decision-override">Override reason (authorize despite the conflicts)</label>
              <input id="decision-override" value={override} onChange={(e) => setOverride(e.target.value)} />
            </>
          )}
          <div className="actions">
            <button type="button" className="primary" disabled={busy} onClick={() => void decide("approve")}>
              Approve
            </button>
            <button type="button" disabled={busy || !comment.trim()} onClick={() => void decide("reject")}>
              Reject
            </button>
          </div>
        </div>
      )}
      <ErrorText message={error} />
    </section>
  );
}
