import { randomBytes } from "node:crypto";
import dns from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import type { DataSource } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import type { QuellConfig } from "../../platform/config";
import { loadForEdit } from "../../platform/database/load-for-edit";
import { inTransaction } from "../../platform/database/transaction";
import { badInput, notFound } from "../../platform/errors";
import { UnrecoverableError } from "../../platform/queue/job-queue";
import { QUEUE_POLICY, QueueName } from "../../platform/queue/queues";
import { appendAudit } from "../audit/audit.service";
import { enqueueInTransaction } from "../outbox/outbox.service";
import { DeliveryStatus, Webhook, WebhookDelivery, WebhookKind } from "./notification.entity";
import type { SaveWebhookInput } from "./notification.inputs";
import { SIGNATURE_HEADER, isInternalAddress, signatureHeader, slackMessage, urlProblem, type EventEnvelope } from "./notification.rules";

const TIMEOUT_MS = 10_000;
/** What is kept of a receiver's answer in the log. */
const MAX_ERROR_CHARS = 500;

export class WebhookRefused extends Error {}

/** Outbound webhooks: administration, signed delivery with retries, the delivery log and replay. */
export class WebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: Pick<QuellConfig, "development" | "webhookAllowPrivate" | "publicUrl">,
  ) {}

  /** Production refuses internal targets unless configured otherwise (SSRF); development allows them. */
  private get guarded(): boolean {
    return !this.config.development && !this.config.webhookAllowPrivate;
  }

  list(): Promise<Webhook[]> {
    return this.dataSource.getRepository(Webhook).find({ order: { name: "ASC" } });
  }

  deliveries(webhookId: string, first: number, event?: string): Promise<WebhookDelivery[]> {
    if (first < 1 || first > 200) throw badInput("first", "must be between 1 and 200");
    return this.dataSource.getRepository(WebhookDelivery).find({ where: { webhookId, ...(event ? { event } : {}) }, order: { createdAt: "DESC" }, take: first });
  }

  /** Creates or edits a webhook; a new one's secret is returned here and never again. */
  async save(actor: Principal, input: SaveWebhookInput): Promise<{ webhook: Webhook; secret: string | null }> {
    await this.assertTarget(input.url);
    return inTransaction(this.dataSource, async ({ manager }) => {
      const existing = await loadForEdit(manager, Webhook, "Webhook", input.id, input.version);
      const before = existing ? redact(existing) : null;
      const secret = existing ? null : newSecret();
      const saved = await manager.save(
        Object.assign(existing ?? manager.create(Webhook, { secret: secret! }), {
          name: input.name,
          url: input.url,
          kind: input.kind,
          events: [...new Set(input.events)],
          active: input.active,
        }),
      );
      await appendAudit(manager, actor, { action: existing ? "webhook.update" : "webhook.create", entityType: "webhook", entityId: saved.id, before, after: redact(saved) });
      return { webhook: saved, secret };
    });
  }

  rotateSecret(actor: Principal, id: string, version: number): Promise<{ webhook: Webhook; secret: string }> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const webhook = (await loadForEdit(manager, Webhook, "Webhook", id, version))!;
      webhook.secret = newSecret();
      const saved = await manager.save(webhook);
      await appendAudit(manager, actor, { action: "webhook.rotate_secret", entityType: "webhook", entityId: id, before: null, after: redact(saved) });
      return { webhook: saved, secret: webhook.secret };
    });
  }

  remove(actor: Principal, id: string, version: number): Promise<Webhook> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const webhook = (await loadForEdit(manager, Webhook, "Webhook", id, version))!;
      const before = { ...webhook };
      await manager.delete(Webhook, { id });
      await appendAudit(manager, actor, { action: "webhook.delete", entityType: "webhook", entityId: id, before: redact(webhook), after: null });
      return before as Webhook;
    });
  }

  /** Sends the same envelope again as a new delivery (same event id, so receivers can still de-duplicate). */
  replay(actor: Principal, deliveryId: string): Promise<WebhookDelivery> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const original = await manager.findOne(WebhookDelivery, { where: { id: deliveryId } });
      if (!original) throw notFound("WebhookDelivery", deliveryId);
      const copy = await manager.save(manager.create(WebhookDelivery, { webhookId: original.webhookId, event: original.event, payload: original.payload, replayOfId: original.id }));
      await enqueueInTransaction(manager, QueueName.Webhook, "deliver", { deliveryId: copy.id });
      await appendAudit(manager, actor, { action: "webhook.replay", entityType: "webhook_delivery", entityId: copy.id, before: null, after: { replayOf: original.id, event: original.event } });
      return copy;
    });
  }

  /**
   * One attempt at one delivery (the job's retry policy brings the next). 2xx succeeds; 4xx other
   * than 408/429 and the last attempt fail for good; anything else throws so the queue retries with backoff.
   */
  async deliver(deliveryId: string, attempt: number, maxAttempts = QUEUE_POLICY[QueueName.Webhook].attempts): Promise<DeliveryStatus> {
    const delivery = await this.dataSource.getRepository(WebhookDelivery).findOne({ where: { id: deliveryId } });
    if (!delivery || delivery.status !== DeliveryStatus.pending) return delivery?.status ?? DeliveryStatus.failed;
    const webhook = await this.dataSource.getRepository(Webhook).findOne({ where: { id: delivery.webhookId } });
    if (!webhook?.active) {
      await this.note(delivery, { status: DeliveryStatus.failed, code: null, error: "webhook removed or switched off", ms: 0 });
      throw new UnrecoverableError("webhook removed or switched off");
    }
    const envelope = delivery.payload as unknown as EventEnvelope;
    const body = JSON.stringify(webhook.kind === WebhookKind.slack ? slackMessage(envelope, this.link(envelope)) : envelope);
    const started = Date.now();
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "user-agent": "Quell-Webhooks/1",
      "quell-event": delivery.event,
      "quell-delivery": delivery.id,
      [SIGNATURE_HEADER]: signatureHeader(webhook.secret, body, Math.floor(Date.now() / 1000)),
    };
    let outcome: { code: number | null; text: string };
    try {
      outcome = await this.post(webhook.url, body, headers);
    } catch (err) {
      outcome = { code: null, text: err instanceof Error ? err.message : String(err) };
    }
    const ms = Date.now() - started;
    if (outcome.code !== null && outcome.code >= 200 && outcome.code < 300) {
      await this.note(delivery, { status: DeliveryStatus.succeeded, code: outcome.code, error: null, ms });
      return DeliveryStatus.succeeded;
    }
    const error = outcome.code === null ? outcome.text : `HTTP ${outcome.code}: ${outcome.text}`;
    const hopeless = outcome.code !== null && outcome.code >= 400 && outcome.code < 500 && outcome.code !== 408 && outcome.code !== 429;
    const last = hopeless || attempt >= maxAttempts || outcome.text.startsWith("refused:");
    await this.note(delivery, { status: last ? DeliveryStatus.failed : DeliveryStatus.pending, code: outcome.code, error, ms });
    throw last ? new UnrecoverableError(error) : new Error(error);
  }

  private async note(delivery: WebhookDelivery, r: { status: DeliveryStatus; code: number | null; error: string | null; ms: number }): Promise<void> {
    await this.dataSource.getRepository(WebhookDelivery).update(
      { id: delivery.id },
      {
        status: r.status,
        attempts: () => "attempts + 1",
        lastStatusCode: r.code,
        lastError: r.error?.slice(0, MAX_ERROR_CHARS) ?? null,
        lastDurationMs: r.ms,
        lastAttemptAt: new Date(),
        ...(r.status === DeliveryStatus.succeeded ? { deliveredAt: new Date() } : {}),
      },
    );
  }

  private link(envelope: EventEnvelope): string | null {
    const base = this.config.publicUrl?.replace(/\/$/, "");
    const key = envelope.data.key as string | undefined;
    if (!base || !key) return null;
    const kind = String(envelope.event).split(".")[0];
    return `${base}/${kind === "incident" ? "incidents" : kind === "problem" ? "problems" : "changes"}/${encodeURIComponent(key)}`;
  }

  /** Refuses bad schemes always, and internal targets in production (resolving the name now; delivery checks again). */
  async assertTarget(raw: string): Promise<void> {
    const problem = urlProblem(raw);
    if (problem) throw badInput("url", problem);
    if (!this.guarded) return;
    const host = new URL(raw).hostname.replace(/^\[|\]$/g, "");
    const addresses = await dns.promises.lookup(host, { all: true }).catch(() => []);
    if (addresses.length === 0) throw badInput("url", `${host} does not resolve`);
    if (addresses.some((a) => isInternalAddress(a.address))) {
      throw badInput("url", `${host} is a private, loopback or link-local address; set QUELL_WEBHOOK_ALLOW_PRIVATE=1 to allow internal targets`);
    }
  }

  /** node:http with a lookup that refuses internal addresses at connect time, so DNS rebinding cannot slip past the check on save. */
  private post(raw: string, body: string, headers: Record<string, string>): Promise<{ code: number; text: string }> {
    const url = new URL(raw);
    const guarded = this.guarded;
    const lookup: LookupFunction = (hostname, options, callback) => {
      dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
        if (err) return (callback as (e: Error | null, a: string, f?: number) => void)(err, "", 0);
        const list = addresses as dns.LookupAddress[];
        const bad = guarded ? list.find((a) => isInternalAddress(a.address)) : undefined;
        if (bad) return (callback as (e: Error | null, a: string, f?: number) => void)(new WebhookRefused(`refused: ${hostname} resolves to internal address ${bad.address}`), "", 0);
        if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
        (callback as (e: null, a: string, f: number) => void)(null, list[0].address, list[0].family);
      });
    };
    const client = url.protocol === "https:" ? https : http;
    // An address literal is connected to without a lookup, so it is checked here.
    const literal = url.hostname.replace(/^\[|\]$/g, "");
    if (guarded && isIP(literal) && isInternalAddress(literal)) return Promise.reject(new WebhookRefused(`refused: ${literal} is an internal address`));
    return new Promise((resolve, reject) => {
      const req = client.request(url, { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body).toString() }, lookup, timeout: TIMEOUT_MS }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          if (text.length < MAX_ERROR_CHARS) text += chunk;
        });
        res.on("end", () => resolve({ code: res.statusCode ?? 0, text: text.slice(0, MAX_ERROR_CHARS) }));
      });
      req.on("timeout", () => req.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
      req.on("error", reject);
      req.end(body);
    });
  }
}

function newSecret(): string {
  return `whsec_${randomBytes(24).toString("base64url")}`;
}

/** The audit log never holds a signing secret. */
function redact(webhook: Webhook): Record<string, unknown> {
  const { secret: _secret, ...rest } = webhook;
  return rest;
}
