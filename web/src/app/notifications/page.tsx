"use client";

import { useState, type FormEvent } from "react";
import { ErrorText } from "@/components/Notices";
import { MarkNotificationsReadDocument, MyNotificationsDocument, SubscribeDocument, UnsubscribeDocument, type SubscriptionTarget } from "@/graphql/generated";
import { gql } from "@/lib/client";
import { describeError } from "@/lib/errors";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";

const TARGET_LABEL: Record<SubscriptionTarget, string> = { service: "Service", team: "Team", incident: "Incident" };

/** Each user's own notification subscriptions and messages. */
export default function NotificationsPage() {
  const mine = useQuery(MyNotificationsDocument, {});
  const [error, setError] = useState<string | null>(null);
  const [target, setTarget] = useState("");
  const run = async (work: () => Promise<unknown>) => {
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(describeError(err));
    }
    await mine.reload();
  };
  const data = mine.data;
  const name = (type: SubscriptionTarget, id: string) =>
    (type === "service" ? data?.services.find((s) => s.id === id)?.name : type === "team" ? data?.teams.find((t) => t.id === id)?.name : null) ?? id;

  const subscribe = (e: FormEvent) => {
    e.preventDefault();
    const [targetType, targetId] = target.split(":") as [SubscriptionTarget, string];
    if (targetId) void run(() => gql(SubscribeDocument, { input: { targetType, targetId } }));
  };
  const unread = data?.myNotifications.filter((n) => !n.readAt).map((n) => n.id) ?? [];

  return (
    <section aria-labelledby="notif-title">
      <h1 id="notif-title">My notifications</h1>
      <ErrorText message={error ?? (mine.error ? describeError(mine.error) : null)} />
      <p className="muted">
        {data?.notificationSettings.emailEnabled ? "You get these by email as well as here." : "Email is not configured on this server: notifications appear here."}
      </p>
      <h2>Subscriptions</h2>
      <ul className="plain">
        {data?.mySubscriptions.length === 0 && <li className="muted">You follow nothing yet.</li>}
        {data?.mySubscriptions.map((s) => (
          <li key={s.id}>
            {TARGET_LABEL[s.targetType]}: <strong>{name(s.targetType, s.targetId)}</strong>{" "}
            <button type="button" onClick={() => void run(() => gql(UnsubscribeDocument, { id: s.id }))}>
              Stop following {name(s.targetType, s.targetId)}
            </button>
          </li>
        ))}
      </ul>
      <form className="card" onSubmit={subscribe} aria-labelledby="follow-title">
        <h3 id="follow-title">Follow a service or team</h3>
        <label htmlFor="follow-target">Service or team</label>
        <select id="follow-target" value={target} onChange={(e) => setTarget(e.target.value)}>
          <option value="">Choose…</option>
          <optgroup label="Services">
            {data?.services.map((s) => (
              <option key={s.id} value={`service:${s.id}`}>
                {s.name}
              </option>
            ))}
          </optgroup>
          <optgroup label="Teams">
            {data?.teams.map((t) => (
              <option key={t.id} value={`team:${t.id}`}>
                {t.name}
              </option>
            ))}
          </optgroup>
        </select>
        <div className="actions">
          <button type="submit" className="primary" disabled={!target}>
            Follow
          </button>
        </div>
      </form>
      <h2>Messages</h2>
      {unread.length > 0 && (
        <button type="button" onClick={() => void run(() => gql(MarkNotificationsReadDocument, { ids: unread }))}>
          Mark all read
        </button>
      )}
      <ul className="plain">
        {data?.myNotifications.length === 0 && <li className="muted">No messages.</li>}
        {data?.myNotifications.map((n) => (
          <li key={n.id} className={n.readAt ? "muted" : undefined}>
            <time dateTime={n.createdAt}>{exactTime(n.createdAt)}</time> {n.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
