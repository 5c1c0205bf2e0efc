"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useSession } from "@/components/AppShell";
import { ErrorText } from "@/components/Notices";
import {
  AcceptProblemCandidateDocument,
  DismissProblemCandidateDocument,
  MergeProblemCandidateDocument,
  ProblemCandidateChangedDocument,
  ProblemCandidatesDocument,
  ProblemsDocument,
  type CandidateCardFragment,
  type ProblemStage,
} from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { exactTime, relativeTime } from "@/lib/format";
import { useLiveChanges, useQuery } from "@/lib/hooks";
import { canOwnProblems } from "@/lib/problems";

const OPEN_PROBLEM_STAGES: ProblemStage[] = ["new", "investigating", "root_cause_known", "known_error"];

/** Recurring incidents the model grouped, with their evidence; problem managers accept, merge or dismiss each in one click. */
export function CandidateInbox() {
  const { user } = useSession();
  const canDecide = canOwnProblems(user?.role);
  const list = useQuery(ProblemCandidatesDocument, { status: ["open"], first: 50 });
  const live = useLiveChanges(ProblemCandidateChangedDocument, {}, () => void list.reload());
  const rows = list.data?.problemCandidates.edges.map((e) => e.node) ?? [];

  return (
    <section aria-labelledby="candidates-title">
      <div className="page-head">
        <h1 id="candidates-title">Problem candidates</h1>
        <p className="muted" aria-live="polite">
          {list.data ? `${list.data.problemCandidates.totalCount} open candidate${list.data.problemCandidates.totalCount === 1 ? "" : "s"}` : "Loading…"}
          {live ? " · live" : ""}
        </p>
      </div>
      <p className="muted">
        Groups of similar incidents without a problem, found by the recurrence model. <Link href="/problems">All problems</Link>
      </p>
      {list.error ? <ErrorText message={describeError(list.error)} /> : null}
      {list.data && rows.length === 0 && <p className="empty">No open candidates: nothing recurs without a problem right now.</p>}
      {rows.map((c) => (
        <CandidateCard key={`${c.id}:${c.version}`} candidate={c} canDecide={canDecide} onDecided={() => void list.reload()} />
      ))}
    </section>
  );
}

function CandidateCard({ candidate: c, canDecide, onDecided }: { candidate: CandidateCardFragment; canDecide: boolean; onDecided: () => void }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const titleId = `cand-${c.id}`;
  const first = c.incidents[0];

  async function act(fn: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    try {
      const problemKey = await fn();
      if (problemKey) router.push(`/problems/${problemKey}`);
      else onDecided();
    } catch (err) {
      setError(describeError(err));
      onDecided();
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="card candidate" aria-labelledby={titleId}>
      <h2 id={titleId} className="candidate-title">
        {c.size} similar incidents{first ? `: ${first.title}` : ""}
      </h2>
      {c.note && <p className="muted">{c.note}</p>}
      <dl className="evidence">
        <div>
          <dt>Time span</dt>
          <dd>
            <time dateTime={c.firstAt} title={exactTime(c.firstAt)}>
              {relativeTime(c.firstAt)}
            </time>{" "}
            to{" "}
            <time dateTime={c.lastAt} title={exactTime(c.lastAt)}>
              {relativeTime(c.lastAt)}
            </time>{" "}
            ({days(c.spanDays)})
          </dd>
        </div>
        <div>
          <dt>Recurs</dt>
          <dd>{c.perWeek.toFixed(1)} per week</dd>
        </div>
        <div>
          <dt>Open in total</dt>
          <dd>{hours(c.openHours)}</dd>
        </div>
        <div>
          <dt>Cohesion</dt>
          <dd>{Math.round(c.cohesion * 100)} %</dd>
        </div>
        <div>
          <dt>Services</dt>
          <dd>{c.services.length ? c.services.map((s) => `${s.name} (${s.incidents})`).join(", ") : "—"}</dd>
        </div>
        <div>
          <dt>Teams</dt>
          <dd>{c.teams.length ? c.teams.map((t) => `${t.name} (${t.incidents})`).join(", ") : "—"}</dd>
        </div>
        <div>
          <dt>Shared words</dt>
          <dd className="badges">
            {c.topTerms.length ? c.topTerms.map((t) => (
              <span key={t} className="badge">
                {t}
              </span>
            )) : "—"}
          </dd>
        </div>
      </dl>
      <IncidentTimeline candidate={c} />
      {canDecide && (
        <div className="actions" role="group" aria-label={`Decide on ${c.size} similar incidents`}>
          <button
            type="button"
            className="primary"
            disabled={busy}
            onClick={() => act(async () => (await gql(AcceptProblemCandidateDocument, { input: { id: c.id, version: c.version } })).acceptProblemCandidate.key)}
          >
            Accept as a new problem
          </button>
          <MergeControl candidate={c} busy={busy} onMerge={(problemId) => act(async () => (await gql(MergeProblemCandidateDocument, { input: { id: c.id, version: c.version, problemId } })).mergeProblemCandidate.key)} />
          <button type="button" disabled={busy} onClick={() => act(async () => (await gql(DismissProblemCandidateDocument, { input: { id: c.id, version: c.version } }), null))}>
            Dismiss
          </button>
        </div>
      )}
      <ErrorText message={error} />
    </article>
  );
}

/** Its incidents as dots on a line from the first to the last, and as a list with links. */
function IncidentTimeline({ candidate: c }: { candidate: CandidateCardFragment }) {
  const from = new Date(c.firstAt).getTime();
  const span = Math.max(new Date(c.lastAt).getTime() - from, 1);
  return (
    <div className="candidate-timeline">
      <div className="timeline-strip" aria-hidden="true">
        {c.incidents.map((i) => (
          <span key={i.id} className="timeline-dot" style={{ left: `${((new Date(i.createdAt).getTime() - from) / span) * 100}%` }} title={`${i.key} ${exactTime(i.createdAt)}`} />
        ))}
      </div>
      <ol className="timeline-list">
        {c.incidents.map((i) => (
          <li key={i.id}>
            <time dateTime={i.createdAt} title={exactTime(i.createdAt)}>
              {new Date(i.createdAt).toLocaleDateString(undefined, { month: "short", day: "numeric" })}
            </time>{" "}
            <Link href={`/incidents/${i.key}`}>{i.key}</Link> {i.title}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** A searchable choice among open problems; merging is then one click. */
function MergeControl({ candidate: c, busy, onMerge }: { candidate: CandidateCardFragment; busy: boolean; onMerge: (problemId: string) => void }) {
  const [text, setText] = useState("");
  const [problemId, setProblemId] = useState("");
  const found = useQuery(ProblemsDocument, { filter: { stage: OPEN_PROBLEM_STAGES, text: text.trim() || null }, first: 20 });
  const options = found.data?.problems.edges.map((e) => e.node) ?? [];
  const searchId = `merge-search-${c.id}`;
  const selectId = `merge-into-${c.id}`;
  return (
    <span className="merge-control">
      <label htmlFor={searchId} className="sr-only">
        Search problems to merge into
      </label>
      <input id={searchId} type="search" placeholder="Search problems" value={text} onChange={(e) => setText(e.target.value)} />
      <label htmlFor={selectId} className="sr-only">
        Problem to merge into
      </label>
      <select id={selectId} value={problemId} onChange={(e) => setProblemId(e.target.value)}>
        <option value="">Choose a problem…</option>
        {options.map((p) => (
          <option key={p.id} value={p.id}>
            {p.key} {p.title}
          </option>
        ))}
      </select>
      <button type="button" disabled={busy || !problemId} onClick={() => onMerge(problemId)}>
        Merge into problem
      </button>
    </span>
  );
}

function days(d: number): string {
  return d < 1 ? "under a day" : `${Math.round(d)} day${Math.round(d) === 1 ? "" : "s"}`;
}

function hours(h: number): string {
  return h < 48 ? `${Math.round(h)} h` : `${(h / 24).toFixed(1)} days`;
}
