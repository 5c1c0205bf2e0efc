import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import { hashApiToken } from "../../platform/auth/auth.service";
import type { Principal } from "../../platform/auth/roles";
import { inTransaction } from "../../platform/database/transaction";
import { badInput, ErrorCode, notFound, QuellError } from "../../platform/errors";
import { appendAudit } from "../audit/audit.service";
import { assertServices } from "../change/change.admin.service";
import { loadForEdit } from "../../platform/database/load-for-edit";
import { enqueueInTransaction } from "../outbox/outbox.service";
import { QueueName } from "../../platform/queue/queues";
import { AlertEventDeadReason, AlertIntegration, AlertSource, CorrelationRule, MaintenanceWindow } from "./alert.entity";
import type { FailingAlertEvent } from "./alert.types";
import type { AlertIntegrationInput, CorrelationRuleInput, MaintenanceWindowInput } from "./alert.inputs";

const TOKEN_PREFIX = "qai_";
/** Failing events one listing shows at most (they are few unless something is badly wrong). */
const FAILING_EVENTS_LIMIT = 200;

/** A failing event's columns as FailingAlertEvent, from `alert_event e JOIN alert_integration i`. */
const FAILING_EVENT_COLUMNS = `e.id, e.integration_id AS "integrationId", i.name AS "integrationName", i.source, e.received_at AS "receivedAt",
  jsonb_array_length(e.alerts) AS "alertCount", e.attempts, e.last_error AS "lastError", e.retry_at AS "retryAt", e.dead_at AS "deadAt", e.dead_reason AS "deadReason"`;

/** A new integration token: shown once, only its hash is kept. */
function newIntegrationToken(): { token: string; hash: string; prefix: string } {
  const token = TOKEN_PREFIX + randomBytes(32).toString("base64url");
  return { token, hash: hashApiToken(token), prefix: token.slice(0, 10) };
}

function withoutHash(integration: AlertIntegration): AlertIntegration {
  const { tokenHash: _omit, ...safe } = integration;
  return safe as AlertIntegration;
}

/** Admins' side of event management: integrations and their tokens, correlation rules, maintenance windows. */
export class AlertAdminService {
  constructor(
    private readonly dataSource: DataSource,
    /** Told when a token changes, so cached lookups are dropped in this process. */
    private readonly onTokensChanged: () => void = () => undefined,
  ) {}

  /** Creates an integration (answering its token, once) or edits one (id + version; the token stays). */
  saveIntegration(actor: Principal, input: AlertIntegrationInput): Promise<{ integration: AlertIntegration; token: string | null }> {
    if (input.source === AlertSource.generic && !input.fieldMapping) throw badInput("fieldMapping", "a generic webhook needs a field mapping (at least the title's path)");
    return inTransaction(this.dataSource, async ({ manager }) => {
      if (input.serviceId) await assertServices(manager, [input.serviceId]);
      const existing = await loadForEdit(manager, AlertIntegration, "AlertIntegration", input.id, input.version);
      const clash = await manager.findOne(AlertIntegration, { where: { name: input.name } });
      if (clash && clash.id !== existing?.id) throw new QuellError(ErrorCode.Conflict, `An integration named "${input.name}" already exists.`, { field: "name" });
      const before = existing ? { ...existing } : null;
      const fresh = existing ? null : newIntegrationToken();
      const saved = await manager.save(
        Object.assign(existing ?? manager.create(AlertIntegration, { tokenHash: fresh!.hash, tokenPrefix: fresh!.prefix }), {
          name: input.name,
          source: input.source,
          serviceId: input.serviceId ?? null,
          serviceLabel: input.serviceLabel,
          dedupFields: [...new Set(input.dedupFields)],
          fieldMapping: input.fieldMapping ? { ...input.fieldMapping } : null,
          enabled: input.enabled,
        }),
      );
      await appendAudit(manager, actor, { action: existing ? "alert_integration.update" : "alert_integration.create", entityType: "alert_integration", entityId: saved.id, before: before && withoutHash(before), after: withoutHash(saved) });
      if (existing) this.onTokensChanged();
      return { integration: withoutHash(saved), token: fresh?.token ?? null };
    });
  }

  /** Replaces an integration's token; the old one stops working at once (and in other replicas within the token cache time). */
  rotateIntegrationToken(actor: Principal, id: string, version: number): Promise<{ integration: AlertIntegration; token: string }> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const integration = (await loadForEdit(manager, AlertIntegration, "AlertIntegration", id, version))!;
      const fresh = newIntegrationToken();
      integration.tokenHash = fresh.hash;
      integration.tokenPrefix = fresh.prefix;
      const saved = await manager.save(integration);
      await appendAudit(manager, actor, { action: "alert_integration.rotate_token", entityType: "alert_integration", entityId: id, before: null, after: { tokenPrefix: fresh.prefix } });
      this.onTokensChanged();
      return { integration: withoutHash(saved), token: fresh.token };
    });
  }

  /**
   * Revokes an integration: disabled, and its token replaced by one nobody was shown, so the old token
   * stops working at once. Its alerts stay (deleting the integration would cascade to them).
   * A later rotation hands out a working token again; enabling it is an edit.
   */
  revokeIntegration(actor: Principal, id: string, version: number): Promise<AlertIntegration> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const integration = (await loadForEdit(manager, AlertIntegration, "AlertIntegration", id, version))!;
      const before = withoutHash({ ...integration });
      const unknown = newIntegrationToken();
      integration.tokenHash = unknown.hash;
      integration.enabled = false;
      const saved = await manager.save(integration);
      await appendAudit(manager, actor, { action: "alert_integration.revoke", entityType: "alert_integration", entityId: id, before, after: withoutHash(saved) });
      this.onTokensChanged();
      return withoutHash(saved);
    });
  }

  saveRule(actor: Principal, input: CorrelationRuleInput): Promise<CorrelationRule> {
    const matchLabels = input.matchLabels ?? {};
    const badLabel = Object.entries(matchLabels).find(([, v]) => typeof v !== "string");
    if (badLabel) throw badInput("matchLabels", `${badLabel[0]} must be a string`);
    return inTransaction(this.dataSource, async ({ manager }) => {
      const rule = await loadForEdit(manager, CorrelationRule, "CorrelationRule", input.id, input.version);
      const clash = await manager.findOne(CorrelationRule, { where: { name: input.name } });
      if (clash && clash.id !== rule?.id) throw new QuellError(ErrorCode.Conflict, `A rule named "${input.name}" already exists.`, { field: "name" });
      const before = rule ? { ...rule } : null;
      const saved = await manager.save(
        Object.assign(rule ?? manager.create(CorrelationRule), {
          name: input.name,
          position: input.position,
          enabled: input.enabled,
          matchLabels: matchLabels as Record<string, string>,
          sameService: input.sameService,
          groupLabels: [...new Set(input.groupLabels)],
          windowMinutes: input.windowMinutes,
          createIncident: input.createIncident,
          recoverIncident: input.recoverIncident,
        }),
      );
      await appendAudit(manager, actor, { action: rule ? "correlation_rule.update" : "correlation_rule.create", entityType: "correlation_rule", entityId: saved.id, before, after: saved });
      return saved;
    });
  }

  deleteRule(actor: Principal, id: string, version: number): Promise<CorrelationRule> {
    return this.deleteRecord(actor, CorrelationRule, "CorrelationRule", "correlation_rule", id, version);
  }

  saveMaintenanceWindow(actor: Principal, input: MaintenanceWindowInput): Promise<MaintenanceWindow> {
    if (input.endsAt.getTime() <= input.startsAt.getTime()) throw badInput("endsAt", "must be after startsAt");
    return inTransaction(this.dataSource, async ({ manager }) => {
      await assertServices(manager, input.serviceIds);
      const window = await loadForEdit(manager, MaintenanceWindow, "MaintenanceWindow", input.id, input.version);
      const before = window ? { ...window } : null;
      const saved = await manager.save(
        Object.assign(window ?? manager.create(MaintenanceWindow), {
          name: input.name,
          reason: input.reason ?? "",
          startsAt: input.startsAt,
          endsAt: input.endsAt,
          serviceIds: [...new Set(input.serviceIds)],
        }),
      );
      await appendAudit(manager, actor, { action: window ? "maintenance_window.update" : "maintenance_window.create", entityType: "maintenance_window", entityId: saved.id, before, after: saved });
      return saved;
    });
  }

  deleteMaintenanceWindow(actor: Principal, id: string, version: number): Promise<MaintenanceWindow> {
    return this.deleteRecord(actor, MaintenanceWindow, "MaintenanceWindow", "maintenance_window", id, version);
  }

  private deleteRecord<T extends CorrelationRule | MaintenanceWindow>(actor: Principal, entity: new () => T, label: string, type: string, id: string, version: number): Promise<T> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const row = (await loadForEdit(manager, entity, label, id, version))!;
      const before = { ...row };
      await manager.delete(entity, { id });
      await appendAudit(manager, actor, { action: `${type}.delete`, entityType: type, entityId: id, before, after: null });
      return before as T;
    });
  }

  /** Events correlation could not apply (put off, or given up on), newest first. */
  async failingEvents(limit = FAILING_EVENTS_LIMIT): Promise<FailingAlertEvent[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > FAILING_EVENTS_LIMIT) throw badInput("limit", `between 1 and ${FAILING_EVENTS_LIMIT}`);
    return (await this.dataSource.query(
      `SELECT ${FAILING_EVENT_COLUMNS} FROM alert_event e JOIN alert_integration i ON i.id = e.integration_id
        WHERE e.processed_at IS NULL AND e.attempts > 0 ORDER BY e.received_at DESC, e.id LIMIT $1`,
      [limit],
    )) as FailingAlertEvent[];
  }

  /**
   * Tries a failing event again now: due at once (a dead one comes back), and a drain is queued so it
   * need not wait for the sweep. Its attempts stay as they were: a dead one failing again is dead again.
   */
  retryEvent(actor: Principal, eventId: string): Promise<FailingAlertEvent> {
    return this.changeFailingEvent(actor, eventId, "alert_event.retry", `retry_at = now(), dead_at = NULL, dead_reason = NULL`, true);
  }

  /** Gives up on a failing event: kept (with its error) but never tried again. */
  discardEvent(actor: Principal, eventId: string): Promise<FailingAlertEvent> {
    return this.changeFailingEvent(actor, eventId, "alert_event.discard", `retry_at = NULL, dead_at = now(), dead_reason = '${AlertEventDeadReason.discarded}'`, false);
  }

  private changeFailingEvent(actor: Principal, eventId: string, action: string, assignments: string, drain: boolean): Promise<FailingAlertEvent> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const select = `SELECT ${FAILING_EVENT_COLUMNS}, e.processed_at AS "processedAt" FROM alert_event e JOIN alert_integration i ON i.id = e.integration_id WHERE e.id = $1`;
      // Waits for a drain holding the event: what it did (applied it, or put it off) is what we change.
      const [locked] = (await manager.query(`${select} FOR UPDATE OF e`, [eventId])) as Array<FailingAlertEvent & { processedAt: Date | null }>;
      if (!locked) throw notFound("AlertEvent", eventId);
      if (locked.processedAt) throw new QuellError(ErrorCode.PreconditionFailed, `Alert event ${eventId} has been applied; there is nothing to retry or discard.`, { id: eventId });
      if (locked.attempts === 0) throw new QuellError(ErrorCode.PreconditionFailed, `Alert event ${eventId} has not failed; it is waiting for its first drain.`, { id: eventId });
      await manager.query(`UPDATE alert_event SET ${assignments} WHERE id = $1`, [eventId]);
      const [after] = (await manager.query(select, [eventId])) as Array<FailingAlertEvent & { processedAt: Date | null }>;
      const { processedAt: _b, ...before } = locked;
      const { processedAt: _a, ...changed } = after!;
      const audited = (e: FailingAlertEvent) => ({ retryAt: e.retryAt, deadAt: e.deadAt, deadReason: e.deadReason, attempts: e.attempts });
      await appendAudit(manager, actor, { action, entityType: "alert_event", entityId: eventId, before: audited(before), after: audited(changed) });
      if (drain) await enqueueInTransaction(manager, QueueName.Alerts, "correlate", { eventId, incidentId: null });
      return changed;
    });
  }
}
