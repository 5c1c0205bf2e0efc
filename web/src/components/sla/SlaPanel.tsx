"use client";

import { useEffect, useState } from "react";
import { ErrorText } from "@/components/Notices";
import { IncidentSlaDocument, SetIncidentPendingDocument, SubscribeDocument, type PendingReason, type SlaClockFieldsFragment } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { exactTime, minutes } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { useAction, useIncident } from "@/components/incident/context";
import { SlaBadge } from "./SlaBadge";

const REASON_LABEL: Record<PendingReason, string> = { awaiting_requester: "Waiting on the requester", awaiting_vendor: "Waiting on a vendor" };
const CLOCK_LABEL = { response: "Response", resolution: "Resolution" } as const;
const CLOSED_STAGES = ["recovered", "reviewed", "closed", "cancelled"];

/** The incident's service levels, its hold (which pauses them) and a follow button. */
export function SlaPanel() {
  const { incident, canWrite, changeTick, refresh } = useIncident();
  const sla = useQuery(IncidentSlaDocument, { id: incident.id });
  const action = useAction();
  const [followed, setFollowed] = useState(false);
  const [reason, setReason] = useState<PendingReason | "">("");

  useEffect(() => {
    void sla.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [changeTick, incident.version]);

  const data = sla.data?.incident;
  const hold = data?.pendingReason ?? null;

  const setHold = (next: PendingReason | null) =>
    action.run(async () => {
      await gql(SetIncidentPendingDocument, { input: { id: incident.id, version: incident.version, reason: next } });
      setReason("");
      await refresh();
    });

  const follow = () =>
    action.run(async () => {
      await gql(SubscribeDocument, { input: { targetType: "incident", targetId: incident.id } });
      setFollowed(true);
    });

  return (
    <section className="card" aria-labelledby="sla-title">
      <h2 id="sla-title">Service level</h2>
      {!data ? (
        <p className="muted">Loading…</p>
      ) : !data.sla ? (
        <p className="muted">No SLA policy covers P{incident.priority}.</p>
      ) : (
        <>
          <p>
            <SlaBadge sla={data.sla} /> <span className="muted">{data.sla.policyName}</span>
          </p>
          <dl className="sla-clocks">
            {[data.sla.response, data.sla.resolution].filter((c): c is SlaClockFieldsFragment => !!c).map((c) => (
              <div key={c.kind}>
                <dt>{CLOCK_LABEL[c.kind]}</dt>
                <dd>{clockText(c)}</dd>
              </div>
            ))}
          </dl>
        </>
      )}
      {hold && <p>On hold: {REASON_LABEL[hold]} (clocks paused)</p>}
      <ErrorText message={action.error} />
      {canWrite && data && !CLOSED_STAGES.includes(incident.stage) && (
        <div className="actions">
          {hold ? (
            <button type="button" disabled={action.busy} onClick={() => void setHold(null)}>
              Resume work
            </button>
          ) : (
            <>
              <label htmlFor="sla-hold">Put on hold</label>
              <select id="sla-hold" value={reason} onChange={(e) => setReason(e.target.value as PendingReason | "")}>
                <option value="">Choose what it waits for…</option>
                <option value="awaiting_requester">{REASON_LABEL.awaiting_requester}</option>
                <option value="awaiting_vendor">{REASON_LABEL.awaiting_vendor}</option>
              </select>
              <button type="button" disabled={!reason || action.busy} onClick={() => reason && void setHold(reason)}>
                Hold
              </button>
            </>
          )}
        </div>
      )}
      <p>
        <button type="button" disabled={followed || action.busy} onClick={() => void follow()}>
          {followed ? "Following this incident" : "Follow this incident"}
        </button>
      </p>
    </section>
  );
}

function clockText(c: SlaClockFieldsFragment): string {
  const target = `target ${minutes(c.targetMinutes)}`;
  if (c.breached) return `Breached${c.breachedAt ? ` at ${exactTime(c.breachedAt)}` : ""} (${target})`;
  if (c.stopped) return `Met (${target})`;
  if (c.paused) return `Paused, ${minutes(c.timeLeftMs / 60_000)} left (${target})`;
  return `${minutes(c.timeLeftMs / 60_000)} left${c.dueAt ? `, due ${exactTime(c.dueAt)}` : ""}${c.warning ? " — warning" : ""} (${target})`;
}
