"use client";

import { useState, type FormEvent } from "react";
import { DeleteWebhookDocument, ReplayWebhookDeliveryDocument, SaveWebhookDocument, WebhookDeliveriesDocument, WebhooksDocument, type WebhookKind } from "@/graphql/generated";
import { ErrorText } from "@/components/Notices";
import { gql } from "@/lib/client";
import { exactTime } from "@/lib/format";
import { useQuery } from "@/lib/hooks";
import { SecretOnce } from "./SecretOnce";
import { useAdminAction } from "./useAdminAction";
import { AdminTable } from "./AdminTable";

/** Outbound webhooks: the signing secret is shown once; each webhook's delivery log can be replayed. */
export function WebhooksAdmin() {
  const hooks = useQuery(WebhooksDocument, {});
  const { error, act } = useAdminAction(hooks.reload);
  const [created, setCreated] = useState<{ name: string; secret: string } | null>(null);
  const [form, setForm] = useState({ name: "", url: "", kind: "generic" as WebhookKind, events: "" });
  const [open, setOpen] = useState<string | null>(null);

  const create = (e: FormEvent) => {
    e.preventDefault();
    return act(async () => {
      const events = form.events.split(/[\s,]+/).filter(Boolean);
      const { saveWebhook } = await gql(SaveWebhookDocument, { input: { name: form.name, url: form.url, kind: form.kind, events, active: true } });
      if (saveWebhook.secret) setCreated({ name: form.name, secret: saveWebhook.secret });
      setForm({ name: "", url: "", kind: "generic", events: "" });
    });
  };

  return (
    <div>
      <ErrorText message={error ?? null} />
      {created && (
        <SecretOnce
          title={`Webhook “${created.name}” created`}
          advice="Copy its signing secret now: it is shown only this once. Receivers verify the Quell-Signature header with it."
          secret={created.secret}
          onDone={() => setCreated(null)}
        />
      )}
      <AdminTable caption="Webhooks" captionHidden columns={["Name", "URL", "Kind", "Events", "Secret", "Actions"]} empty="No webhooks yet." isEmpty={hooks.data?.webhooks.length === 0}>
        {hooks.data?.webhooks.map((w) => (
          <tr key={w.id}>
            <th scope="row">{w.name}</th>
            <td>
              <code>{w.url}</code>
            </td>
            <td>{w.kind === "slack" ? "Slack" : "Signed JSON"}</td>
            <td>{w.events.length ? w.events.join(", ") : "all"}</td>
            <td>
              <code>{w.secretHint}</code>
            </td>
            <td className="actions">
              <button type="button" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? null : w.id)}>
                Delivery log of {w.name}
              </button>
              <button type="button" onClick={() => void act(() => gql(DeleteWebhookDocument, { id: w.id, version: w.version }))}>
                Delete {w.name}
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
      {open && <DeliveryLog webhookId={open} name={hooks.data?.webhooks.find((w) => w.id === open)?.name ?? ""} />}
      <form className="card" onSubmit={(e) => void create(e)} aria-labelledby="webhook-form">
        <h3 id="webhook-form">Add a webhook</h3>
        <label htmlFor="wh-name">Name</label>
        <input id="wh-name" required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        <label htmlFor="wh-url">URL (http or https)</label>
        <input id="wh-url" type="url" required value={form.url} onChange={(e) => setForm({ ...form, url: e.target.value })} />
        <label htmlFor="wh-kind">Format</label>
        <select id="wh-kind" value={form.kind} onChange={(e) => setForm({ ...form, kind: e.target.value as WebhookKind })}>
          <option value="generic">Signed JSON</option>
          <option value="slack">Slack incoming webhook</option>
        </select>
        <label htmlFor="wh-events">Events (comma-separated, e.g. incident.create, incident.sla_breached; empty for all)</label>
        <input id="wh-events" value={form.events} onChange={(e) => setForm({ ...form, events: e.target.value })} />
        <div className="actions">
          <button type="submit" className="primary">
            Add webhook
          </button>
        </div>
      </form>
    </div>
  );
}

function DeliveryLog({ webhookId, name }: { webhookId: string; name: string }) {
  const log = useQuery(WebhookDeliveriesDocument, { filter: { webhookId, first: 50 } });
  const { error, act } = useAdminAction(log.reload);
  return (
    <section className="card" aria-labelledby="delivery-log">
      <h3 id="delivery-log">Delivery log of {name}</h3>
      <ErrorText message={error ?? null} />
      <AdminTable caption="Deliveries, newest first" captionHidden columns={["Event", "Status", "Attempts", "Last answer", "Sent", "Replay"]} empty="Nothing sent yet." isEmpty={log.data?.webhookDeliveries.length === 0}>
        {log.data?.webhookDeliveries.map((d) => (
          <tr key={d.id}>
            <th scope="row">
              {d.event}
              {d.replayOfId && <span className="muted"> (replay)</span>}
            </th>
            <td>
              <span className="badge">{d.status}</span>
            </td>
            <td>{d.attempts}</td>
            <td>{d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : (d.lastError ?? "—")}</td>
            <td>{d.lastAttemptAt ? exactTime(d.lastAttemptAt) : exactTime(d.createdAt)}</td>
            <td>
              <button type="button" onClick={() => void act(() => gql(ReplayWebhookDeliveryDocument, { id: d.id }))}>
                Replay
              </button>
            </td>
          </tr>
        ))}
      </AdminTable>
    </section>
  );
}
