"use client";

import Link from "next/link";
import { useCallback, useEffect, useState } from "react";
import { useSession } from "@/components/AppShell";
import { ConflictBanner, ErrorText } from "@/components/Notices";
import { ChangeChangedDocument, ChangePageDocument, LookupsDocument, TransitionChangeDocument, type ChangeDetailFragment, type ChangeStage } from "@/graphql/generated";
import { CHANGE_MAIN_PATH, CHANGE_STAGE_LABEL, canRaiseChanges, formatWindow } from "@/lib/changes";
import { gql, subscribe } from "@/lib/client";
import { describeError, isConflict } from "@/lib/errors";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { ApprovalsCard } from "./ApprovalsCard";
import { ChangeStageBadge, ChangeTypeBadge } from "./ChangeStageBadge";
import { ReviewCard } from "./ReviewCard";
import { RiskBadge } from "./RiskBadge";

export function ChangeView({ changeKey }: { changeKey: string }) {
  const { user } = useSession();
  const query = useQuery(ChangePageDocument, { number: changeKey });
  const lookups = useQuery(LookupsDocument, {});
  const [change, setChange] = useState<ChangeDetailFragment | null>(null);
  const [stale, setStale] = useState(false);

  useEffect(() => {
    if (query.data) setChange(query.data.change);
  }, [query.data]);

  const reload = useCallback(async () => {
    await query.reload();
    setStale(false);
  }, [query]);

  const changeId = change?.id ?? null;
  useEffect(() => {
    if (!changeId) return;
    return subscribe(ChangeChangedDocument, { changeId }, () => void query.reload());
  }, [changeId, query]);

  if (query.error && !change) return <ErrorText message={describeError(query.error)} />;
  if (!change) return <p className="muted">Loading {changeKey}…</p>;
  const name = (id: string | null | undefined) => lookups.data?.users.find((u) => u.id === id)?.name ?? "someone";
  const onError = (err: unknown, context: { attemptedStage?: string } = {}): string | null => {
    if (isConflict(err)) {
      setStale(true);
      return null;
    }
    return describeError(err, context);
  };

  return (
    <article aria-labelledby="change-title" className="incident">
      <p className="crumbs">
        <Link href="/changes">← Changes</Link>
      </p>
      <header className="incident-head">
        <h1 id="change-title">
          <span className="key">{change.key}</span> {change.title}
        </h1>
        <div className="badges">
          <ChangeTypeBadge type={change.type} />
          <ChangeStageBadge stage={change.stage} />
          <RiskBadge level={change.riskLevel ?? null} score={change.riskScore ?? null} reasons={change.riskReasons} />
          {change.template && <span className="badge">Template: {change.template.name}</span>}
        </div>
      </header>
      {stale && <ConflictBanner onReload={() => void reload()} />}
      <div className="incident-grid">
        <div className="col-main">
          <StagesCard change={change} canMove={canRaiseChanges(user?.role)} canOverride={user?.role === "change_manager" || user?.role === "admin"} onChange={setChange} onError={onError} />
          <ApprovalsCard change={change} meId={user?.id ?? null} role={user?.role} name={name} onChange={setChange} onError={onError} />
          <ConflictsCard change={change} />
          <section className="card" aria-labelledby="plans-title">
            <h2 id="plans-title">Plans</h2>
            {(
              [
                ["Description", change.description],
                ["Implementation plan", change.implementationPlan],
                ["Backout plan", change.backoutPlan],
                ["Test plan", change.testPlan],
              ] as const
            ).map(([label, text]) => (
              <div key={label}>
                <h3 className="label">{label}</h3>
                <p className="plan">{text || <span className="muted">Not written yet</span>}</p>
              </div>
            ))}
          </section>
          <section className="card" aria-labelledby="risk-title">
            <h2 id="risk-title">Risk</h2>
            {change.riskLevel ? (
              <>
                <p>
                  {change.riskLevel} risk, score {change.riskScore}. Computed when it was submitted for assessment, from the risk rules in force.
                </p>
                <ul className="reasons-list">
                  {change.riskReasons.map((r) => (
                    <li key={r.ruleKey}>
                      +{r.weight}: {r.message}
                    </li>
                  ))}
                </ul>
              </>
            ) : (
              <p className="muted">Risk is computed when the change is submitted for assessment.</p>
            )}
          </section>
          <ReviewCard change={change} canWrite={canRaiseChanges(user?.role)} onChange={setChange} onError={onError} />
        </div>
        <aside className="col-side" aria-label="Window, people and links">
          <section className="card">
            <h2>Window</h2>
            <dl className="times">
              <div>
                <dt>Planned</dt>
                <dd>{formatWindow(change.plannedStart ?? null, change.plannedEnd ?? null)}</dd>
              </div>
              <div>
                <dt>Actual start</dt>
                <dd>{change.actualStart ? exactTime(change.actualStart) : "—"}</dd>
              </div>
              <div>
                <dt>Actual end</dt>
                <dd>{change.actualEnd ? exactTime(change.actualEnd) : "—"}</dd>
              </div>
              <div>
                <dt>Services</dt>
                <dd>{change.services.map((s) => s.name).join(", ") || "—"}</dd>
              </div>
              <div>
                <dt>Requester</dt>
                <dd>{change.requester?.name ?? "—"}</dd>
              </div>
              <div>
                <dt>Owner</dt>
                <dd>{change.owner?.name ?? "—"}</dd>
              </div>
              <div>
                <dt>Implementer</dt>
                <dd>{change.implementer?.name ?? "—"}</dd>
              </div>
            </dl>
          </section>
          <section className="card" aria-labelledby="links-title">
            <h2 id="links-title">Linked records</h2>
            <h3 className="label">Problems it fixes</h3>
            {change.problems.length ? (
              <ul>
                {change.problems.map((p) => (
                  <li key={p.id}>
                    <Link href={`/problems/${p.key}`}>{p.key}</Link> {p.title} ({p.stage.replace(/_/g, " ")})
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None</p>
            )}
            <h3 className="label">Incidents it caused</h3>
            {change.causedIncidents.length ? (
              <ul>
                {change.causedIncidents.map((i) => (
                  <li key={i.id}>
                    <Link href={`/incidents/${i.key}`}>{i.key}</Link> {i.title}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">None recorded</p>
            )}
          </section>
          <section className="card">
            <h2>History</h2>
            <ol className="timeline">
              {change.transitions.map((t) => (
                <li key={t.id}>
                  <span className="tl-meta">
                    <strong>{name(t.actorId)}</strong> · {exactTime(t.at)}
                  </span>
                  <p className="tl-message">
                    {t.fromStage ? `${CHANGE_STAGE_LABEL[t.fromStage]} → ` : "Raised as "}
                    {CHANGE_STAGE_LABEL[t.toStage]}
                    {t.reason ? `: ${t.reason}` : ""}
                  </p>
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
    </article>
  );
}

type CardProps = {
  change: ChangeDetailFragment;
  onChange: (c: ChangeDetailFragment) => void;
  /** attemptedStage: a refused move then shows only its reason, not the move itself among "Allowed next". */
  onError: (err: unknown, context?: { attemptedStage?: string }) => string | null;
};

const EXITS: ChangeStage[] = ["rejected", "cancelled", "failed", "rolled_back"];

function StagesCard({ change, canMove, canOverride, onChange, onError }: CardProps & { canMove: boolean; canOverride: boolean }) {
  const [note, setNote] = useState("");
  const [override, setOverride] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const reached = new Set(change.transitions.map((t) => t.toStage));
  const exit = EXITS.find((s) => s === change.stage);
  const needsOverride = change.stage === "draft" && change.type === "standard" && change.conflicts.length > 0;

  async function move(to: ChangeStage) {
    setBusy(true);
    setError(null);
    try {
      const res = await gql(TransitionChangeDocument, {
        input: { id: change.id, version: change.version, to, note: note.trim() || null, overrideReason: to === "scheduled" && override.trim() ? override.trim() : null },
      });
      onChange(res.transitionChange);
      setNote("");
    } catch (err) {
      setError(onError(err, { attemptedStage: to }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="stage-title">
      <h2 id="stage-title">Stage</h2>
      <ol className="stage-path" aria-label="Lifecycle">
        {CHANGE_MAIN_PATH.map((s) => (
          <li key={s} className={s === change.stage ? "current" : reached.has(s) ? "past" : ""} aria-current={s === change.stage ? "step" : undefined}>
            {CHANGE_STAGE_LABEL[s]}
          </li>
        ))}
        {exit && (
          <li className="exit" aria-current="step">
            {CHANGE_STAGE_LABEL[exit]}
          </li>
        )}
      </ol>
      {canMove && change.allowedTransitions.length > 0 && (
        <>
          <label htmlFor="stage-note">Note (optional)</label>
          <input id="stage-note" value={note} onChange={(e) => setNote(e.target.value)} />
          {needsOverride && canOverride && (
            <>
              <label htmlFor="stage-override">Override reason (schedules despite the conflicts below)</label>
              <input id="stage-override" value={override} onChange={(e) => setOverride(e.target.value)} />
            </>
          )}
          <div className="actions">
            {change.allowedTransitions.map((to) => (
              <button key={to} type="button" className={EXITS.includes(to) ? "" : "primary"} disabled={busy} onClick={() => void move(to)}>
                {to === "assessing" ? "Submit for assessment" : `Move to ${CHANGE_STAGE_LABEL[to]}`}
              </button>
            ))}
          </div>
        </>
      )}
      {change.stage === "assessing" && <p className="help">Authorization comes from the approvals below.</p>}
      <ErrorText message={error} />
    </section>
  );
}

function ConflictsCard({ change }: { change: ChangeDetailFragment }) {
  return (
    <section className="card" aria-labelledby="conflicts-title">
      <h2 id="conflicts-title">Conflicts and freezes</h2>
      {change.conflicts.length === 0 ? (
        <p className="muted">No overlapping changes on these or dependent services, and no freeze over the window.</p>
      ) : (
        <div className="warn-box">
          <p>
            <strong>{change.conflicts.length} conflict(s).</strong> These block authorization unless an approver overrides them with a reason.
          </p>
          <ul className="conflicts-list">
            {change.conflicts.map((c, i) => (
              <li key={i}>
                <span className="badge">{c.kind === "freeze" ? "Freeze" : c.viaDependency ? "Overlap (dependency)" : "Overlap"}</span> {c.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {change.conflictOverrideReason && <p>Authorized over conflicts: {change.conflictOverrideReason}</p>}
    </section>
  );
}
