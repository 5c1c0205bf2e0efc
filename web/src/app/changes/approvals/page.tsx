"use client";

import Link from "next/link";
import { useState } from "react";
import { useSession } from "@/components/AppShell";
import { ChangeTypeBadge } from "@/components/change/ChangeStageBadge";
import { RiskBadge } from "@/components/change/RiskBadge";
import { ErrorText } from "@/components/Notices";
import { ApprovalsInboxDocument, ApproveChangeDocument, RejectChangeDocument, type ApprovalsInboxQuery } from "@/graphql/generated";
import { canApproveChanges, formatWindow } from "@/lib/changes";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { useQuery } from "@/lib/hooks";

type Item = ApprovalsInboxQuery["changeApprovalsInbox"][number];

export default function ApprovalsInboxPage() {
  const { user } = useSession();
  const allowed = canApproveChanges(user?.role);
  const inbox = useQuery(ApprovalsInboxDocument, {}, !allowed);
  const [announce, setAnnounce] = useState("");
  if (!allowed) return <p>The approvals inbox is for change managers and admins.</p>;
  const items = inbox.data?.changeApprovalsInbox ?? [];
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">Approvals inbox</h1>
      <p className="muted">Changes waiting for your decision (not your own, not yet decided by you).</p>
      <p className="announce" aria-live="polite">
        {announce}
      </p>
      <ErrorText message={inbox.error ? describeError(inbox.error) : null} />
      {!inbox.loading && items.length === 0 && <p>Nothing waits for you.</p>}
      {items.map((c) => (
        <InboxItem
          key={c.id}
          item={c}
          onDone={(text) => {
            setAnnounce(text);
            void inbox.reload();
          }}
        />
      ))}
    </section>
  );
}

function InboxItem({ item, onDone }: { item: Item; onDone: (text: string) => void }) {
  const [comment, setComment] = useState("");
  const [override, setOverride] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = `inbox-${item.id}`;

  async function decide(kind: "approve" | "reject") {
    setBusy(true);
    setError(null);
    try {
      const input = { id: item.id, version: item.version, comment: comment.trim() || null, overrideReason: override.trim() || null };
      const next = kind === "approve" ? (await gql(ApproveChangeDocument, { input })).approveChange : (await gql(RejectChangeDocument, { input })).rejectChange;
      onDone(`${item.key} ${kind === "approve" ? "approved" : "rejected"}; it is now ${next.stage}.`);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  }

  return (
    <article className="inbox-item" aria-labelledby={titleId}>
      <h2 id={titleId}>
        <Link href={`/changes/${item.key}`}>
          <span className="key">{item.key}</span> {item.title}
        </Link>
      </h2>
      <div className="badges">
        <ChangeTypeBadge type={item.type} />
        <RiskBadge level={item.riskLevel ?? null} score={item.riskScore ?? null} reasons={item.riskReasons} />
        <span>{formatWindow(item.plannedStart ?? null, item.plannedEnd ?? null)}</span>
        <span>{item.services.map((s) => s.name).join(", ")}</span>
      </div>
      <p className="small">
        {item.approvals.stillNeeded} of {item.approvals.required} approval(s) still needed. Not yet decided: {item.approvals.pending.map((u) => u.name).join(", ") || "nobody"}.
      </p>
      {item.conflicts.length > 0 && (
        <div className="warn-box">
          <strong>{item.conflicts.length} conflict(s)</strong>
          <ul className="conflicts-list">
            {item.conflicts.map((c, i) => (
              <li key={i}>{c.message}</li>
            ))}
          </ul>
          <label htmlFor={`override-${item.id}`}>Override reason (needed to authorize)</label>
          <input id={`override-${item.id}`} value={override} onChange={(e) => setOverride(e.target.value)} />
        </div>
      )}
      <label htmlFor={`comment-${item.id}`}>Comment (required to reject)</label>
      <input id={`comment-${item.id}`} value={comment} onChange={(e) => setComment(e.target.value)} />
      <div className="actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void decide("approve")}>
          Approve {item.key}
        </button>
        <button type="button" disabled={busy || !comment.trim()} onClick={() => void decide("reject")}>
          Reject {item.key}
        </button>
      </div>
      <ErrorText message={error} />
    </article>
  );
}
