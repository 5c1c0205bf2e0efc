import { randomUUID } from "node:crypto";
import nodemailer from "nodemailer";
import { In, IsNull, type DataSource, type EntityManager } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import type { QuellConfig } from "../../platform/config";
import { inTransaction, type UnitOfWork } from "../../platform/database/transaction";
import { ErrorCode, QuellError, badInput, notFound } from "../../platform/errors";
import { logger } from "../../platform/logger";
import type { QuellPubSub } from "../../platform/pubsub";
import type { JobPayloads, JobQueue } from "../../platform/queue";
import { QueueName } from "../../platform/queue/queues";
import { appendAudit } from "../audit/audit.service";
import { Service } from "../catalog/catalog.entity";
import { Change } from "../change/change.entity";
import { CHANGE_CHANGED, type ChangeChangedPayload } from "../change/change.events";
import { formatChangeNumber } from "../change/change.rules";
import { Incident } from "../incident/incident.entity";
import type { IncidentService } from "../incident/incident.service";
import { formatIncidentNumber } from "../incident/incident.rules";
import { enqueueInTransaction, enqueueManyInTransaction } from "../outbox/outbox.service";
import { Problem } from "../problem/problem.entity";
import { PROBLEM_CHANGED, type ProblemChangedPayload } from "../problem/problem.events";
import { formatProblemNumber } from "../problem/problem.rules";
import type { SlaService } from "../sla/sla.service";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { Notification, NotificationSubscription, SubscriptionTarget, Webhook, WebhookDelivery } from "./notification.entity";
import type { SubscribeInput } from "./notification.inputs";
import type { EventEnvelope } from "./notification.rules";

const log = logger.child({ component: "notifications" });
type NotifyPayload = JobPayloads[QueueName.Notify];

/** A notify job's payload as queued: when it happened, and no undefined fields. */
const notifyJob = (payload: NotifyPayload) => ({ ...payload, detail: payload.detail ?? null, occurredAt: new Date().toISOString() });

/**
 * Turns domain events into webhook deliveries and messages for subscribers. Every event (incident,
 * SLA warning and breach, problem, change) is written to the outbox inside the write's own
 * transaction, so none is lost to a worker that is down or a pub/sub message nobody heard.
 */
export class NotificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: Pick<QuellConfig, "smtpUrl" | "mailFrom" | "publicUrl">,
    incidents: IncidentService,
    sla: SlaService,
    pubsub: QuellPubSub,
  ) {
    incidents.onCreate((work, incident, actor) => this.record(work.manager, { entity: "incident", id: incident.id, event: "incident.create", actorId: actor.userId || null }));
    incidents.onChange((work, change) => this.record(work.manager, { entity: "incident", id: change.incident.id, event: change.action, actorId: change.actor.userId || null }));
    sla.onAlert((work, alerts) =>
      this.recordMany(
        work.manager,
        alerts.map((alert) => ({ entity: "incident", id: alert.incidentId, event: `incident.${alert.event.replace(".", "_")}`, actorId: null, detail: alert.kind })),
      ),
    );
    pubsub.onPublishWithin(PROBLEM_CHANGED, (work, raw) => {
      const p = raw as ProblemChangedPayload;
      return this.record(work.manager, { entity: "problem", id: p.problemId, event: `problem.${p.kind}`, actorId: p.actorId });
    });
    pubsub.onPublishWithin(CHANGE_CHANGED, (work, raw) => {
      const p = raw as ChangeChangedPayload;
      return this.record(work.manager, { entity: "change", id: p.changeId, event: `change.${p.kind}`, actorId: p.actorId });
    });
  }

  get emailEnabled(): boolean {
    return !!this.config.smtpUrl;
  }

  private async record(manager: EntityManager, payload: NotifyPayload): Promise<void> {
    await enqueueInTransaction(manager, QueueName.Notify, "event", notifyJob(payload));
  }

  private async recordMany(manager: EntityManager, payloads: readonly NotifyPayload[]): Promise<void> {
    await enqueueManyInTransaction(manager, payloads.map((payload) => ({ queue: QueueName.Notify, jobName: "event", payload: notifyJob(payload) })));
  }

  /** Fans one event out: a delivery per matching webhook, a message per subscriber (not the actor). */
  async fanOut(payload: NotifyPayload): Promise<{ deliveries: number; notifications: number }> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const data = await snapshot(manager, payload.entity, payload.id);
      if (!data) return { deliveries: 0, notifications: 0 };
      if (payload.detail) data.clock = payload.detail;
      const envelope: EventEnvelope = { id: randomUUID(), event: payload.event, occurredAt: payload.occurredAt ?? new Date().toISOString(), data };
      const hooks = (await manager.find(Webhook, { where: { active: true } })).filter((w) => w.events.length === 0 || w.events.includes(payload.event));
      for (const hook of hooks) {
        const delivery = await manager.save(manager.create(WebhookDelivery, { webhookId: hook.id, event: payload.event, payload: envelope as unknown as Record<string, unknown> }));
        await enqueueInTransaction(manager, QueueName.Webhook, "deliver", { deliveryId: delivery.id });
      }
      let notifications = 0;
      if (payload.entity === "incident") {
        const userIds = await subscribers(manager, data);
        for (const userId of userIds) {
          if (userId === payload.actorId) continue;
          const note = await manager.save(manager.create(Notification, { userId, event: payload.event, incidentId: payload.id, message: describe(payload.event, data) }));
          if (this.emailEnabled) await enqueueInTransaction(manager, QueueName.Email, "send", { notificationId: note.id });
          notifications++;
        }
      }
      return { deliveries: hooks.length, notifications };
    });
  }

  // ---- subscriptions and in-app messages -------------------------------------------------

  async subscribe(actor: Principal, input: SubscribeInput): Promise<NotificationSubscription> {
    if (!actor.userId) throw badInput("actor", "only users can subscribe");
    return inTransaction(this.dataSource, async ({ manager }) => {
      const target = { [SubscriptionTarget.service]: Service, [SubscriptionTarget.team]: Team, [SubscriptionTarget.incident]: Incident }[input.targetType];
      if (!(await manager.exists(target, { where: { id: input.targetId } }))) throw notFound(input.targetType, input.targetId);
      const existing = await manager.findOne(NotificationSubscription, { where: { userId: actor.userId, targetType: input.targetType, targetId: input.targetId } });
      if (existing) return existing;
      const saved = await manager.save(manager.create(NotificationSubscription, { userId: actor.userId, targetType: input.targetType, targetId: input.targetId }));
      await appendAudit(manager, actor, { action: "subscription.create", entityType: "notification_subscription", entityId: saved.id, before: null, after: saved });
      return saved;
    });
  }

  async unsubscribe(actor: Principal, id: string): Promise<NotificationSubscription> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const sub = await manager.findOne(NotificationSubscription, { where: { id } });
      if (!sub) throw notFound("Subscription", id);
      if (sub.userId !== actor.userId) throw new QuellError(ErrorCode.Forbidden, "That subscription belongs to someone else.");
      await manager.delete(NotificationSubscription, { id });
      await appendAudit(manager, actor, { action: "subscription.delete", entityType: "notification_subscription", entityId: id, before: sub, after: null });
      return sub;
    });
  }

  mySubscriptions(actor: Principal): Promise<NotificationSubscription[]> {
    return this.dataSource.getRepository(NotificationSubscription).find({ where: { userId: actor.userId }, order: { createdAt: "DESC" } });
  }

  myNotifications(actor: Principal, first: number, unreadOnly: boolean): Promise<Notification[]> {
    if (first < 1 || first > 200) throw badInput("first", "must be between 1 and 200");
    return this.dataSource.getRepository(Notification).find({ where: { userId: actor.userId, ...(unreadOnly ? { readAt: IsNull() } : {}) }, order: { createdAt: "DESC" }, take: first });
  }

  /** Marks the caller's own messages read (ids of others' are ignored); returns how many changed. */
  async markRead(actor: Principal, ids: string[]): Promise<number> {
    if (!ids.length) return 0;
    const result = await this.dataSource.getRepository(Notification).update({ id: In(ids), userId: actor.userId, readAt: IsNull() }, { readAt: new Date() });
    return result.affected ?? 0;
  }

  /** Emails one message through SMTP; a message already emailed is not sent twice. */
  async sendEmail(notificationId: string): Promise<void> {
    if (!this.config.smtpUrl) return;
    const note = await this.dataSource.getRepository(Notification).findOne({ where: { id: notificationId } });
    if (!note || note.emailedAt) return;
    const user = await this.dataSource.getRepository(User).findOne({ where: { id: note.userId } });
    if (!user) return;
    const transport = nodemailer.createTransport(this.config.smtpUrl);
    await transport.sendMail({ from: this.config.mailFrom, to: user.email, subject: `[Quell] ${note.message.slice(0, 120)}`, text: note.message });
    await this.dataSource.getRepository(Notification).update({ id: note.id }, { emailedAt: new Date() });
  }
}

/** What the event says about its record: ids and the fields people act on (no free text beyond the title). */
async function snapshot(manager: EntityManager, entity: NotifyPayload["entity"], id: string): Promise<Record<string, unknown> | null> {
  if (entity === "incident") {
    const i = await manager.findOne(Incident, { where: { id } });
    return i && { id: i.id, key: formatIncidentNumber(i.number), title: i.title, stage: i.stage, priority: i.priority, severity: i.severity, serviceId: i.serviceId, teamId: i.teamId, assigneeId: i.assigneeId, pendingReason: i.pendingReason };
  }
  if (entity === "problem") {
    const p = await manager.findOne(Problem, { where: { id } });
    return p && { id: p.id, key: formatProblemNumber(p.number), title: p.title, stage: p.stage, priority: p.priority };
  }
  const c = await manager.findOne(Change, { where: { id } });
  return c && { id: c.id, key: formatChangeNumber(c.number), title: c.title, stage: c.stage, type: c.type, riskLevel: c.riskLevel };
}

async function subscribers(manager: EntityManager, data: Record<string, unknown>): Promise<string[]> {
  const targets: Array<[SubscriptionTarget, unknown]> = [
    [SubscriptionTarget.incident, data.id],
    [SubscriptionTarget.service, data.serviceId],
    [SubscriptionTarget.team, data.teamId],
  ];
  const rows = await manager.find(NotificationSubscription, {
    where: targets.filter(([, id]) => typeof id === "string").map(([targetType, targetId]) => ({ targetType, targetId: targetId as string })),
    select: { userId: true },
  });
  return [...new Set(rows.map((r) => r.userId))];
}

const VERB: Record<string, string> = {
  "incident.create": "was opened",
  "incident.update": "was updated",
  "incident.transition": "changed stage",
  "incident.assign": "was assigned",
  "incident.set_pending": "changed hold",
  "incident.reopen": "was reopened",
  "incident.mark_duplicate": "was marked a duplicate",
  "incident.sla_warning": "is close to breaching its SLA",
  "incident.sla_breached": "breached its SLA",
};

function describe(event: string, data: Record<string, unknown>): string {
  const clock = data.clock ? ` (${String(data.clock)})` : "";
  return `${String(data.key)} ${VERB[event] ?? event}${clock}: ${String(data.title)} — now ${String(data.stage)}, P${String(data.priority)}`;
}
