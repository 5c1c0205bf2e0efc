import { In, type DataSource, type EntityManager } from "typeorm";
import { Role, type Principal } from "../../platform/auth/roles";
import { inTransaction, type UnitOfWork } from "../../platform/database/transaction";
import { ErrorCode, QuellError, badInput, conflict, notFound } from "../../platform/errors";
import type { QuellPubSub } from "../../platform/pubsub";
import { appendAudit } from "../audit/audit.service";
import { Service } from "../catalog/catalog.entity";
import { Incident } from "../incident/incident.entity";
import { INCIDENT_CHANGED, IncidentChangeKind, type IncidentChangedPayload } from "../incident/incident.events";
import { TimelineEntry, TimelineKind } from "../incident/timeline.entity";
import { User } from "../user/user.entity";
import { ChangeTemplate } from "./change-config.entity";
import { ChangeAnalysis } from "./change.analysis";
import type { ChangeProblems } from "./change.problems";
import { ApprovalDecision, Change, ChangeApproval, ChangeReview, ChangeServiceLink, ChangeTransition, IncidentCause } from "./change.entity";
import { CHANGE_CHANGED, ChangeChangeKind, type ChangeChangedPayload } from "./change.events";
import type { CreateChangeInput, DecideChangeInput, ReviewChangeInput, SetIncidentCauseInput, TransitionChangeInput, UpdateChangeInput } from "./change.inputs";
import { APPROVAL_ONLY_TARGETS, CHANGE_TERMINAL, ChangeStage, ChangeType, checkChangeTransition } from "./change.lifecycle";
import { CHANGE_STAGE_STAMP, approvalStatus, decisionRefusal, formatChangeNumber } from "./change.rules";

const MINUTE_MS = 60_000;
/** Roles that may authorize over a conflict or freeze. */
export const CHANGE_APPROVER_ROLES: readonly Role[] = [Role.change_manager, Role.admin];
/** Moves that end implementation: they stamp the actual end. */
const ENDS_IMPLEMENTATION: readonly ChangeStage[] = [ChangeStage.reviewing, ChangeStage.failed, ChangeStage.rolled_back];

export class ChangeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: QuellPubSub,
    private readonly problems: ChangeProblems,
  ) {}

  async getById(id: string): Promise<Change> {
    const change = await this.dataSource.getRepository(Change).findOne({ where: { id } });
    if (!change) throw notFound("Change", id);
    return change;
  }

  async getByNumber(number: number): Promise<Change> {
    const change = await this.dataSource.getRepository(Change).findOne({ where: { number } });
    if (!change) throw notFound("Change", formatChangeNumber(number));
    return change;
  }

  async create(actor: Principal, input: CreateChangeInput): Promise<Change> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const template = input.templateId ? await manager.findOne(ChangeTemplate, { where: { id: input.templateId } }) : null;
      if (input.templateId && !template) throw notFound("ChangeTemplate", input.templateId);
      if (template && !template.active) throw new QuellError(ErrorCode.PreconditionFailed, `The template "${template.name}" is retired; pick an active one.`);
      if (input.type === ChangeType.standard && !template) throw badInput("templateId", "a standard change comes from a pre-approved template");
      const serviceIds = input.serviceIds ?? template?.serviceIds ?? [];
      await assertReferences(manager, serviceIds, [input.ownerId, input.implementerId]);
      const plannedStart = input.plannedStart ?? null;
      const plannedEnd = input.plannedEnd ?? (plannedStart && template ? new Date(plannedStart.getTime() + template.durationMinutes * MINUTE_MS) : null);
      assertWindow(plannedStart, plannedEnd);
      const change = await manager.save(
        manager.create(Change, {
          type: template ? ChangeType.standard : input.type,
          templateId: template?.id ?? null,
          stage: ChangeStage.draft,
          title: input.title.trim(),
          description: input.description ?? template?.description ?? "",
          implementationPlan: input.implementationPlan ?? template?.implementationPlan ?? "",
          backoutPlan: input.backoutPlan ?? template?.backoutPlan ?? "",
          testPlan: input.testPlan ?? template?.testPlan ?? "",
          plannedStart,
          plannedEnd,
          requesterId: actor.userId || null,
          ownerId: input.ownerId ?? (actor.userId || null),
          implementerId: input.implementerId ?? null,
          riskReasons: [],
        }),
      );
      await setServices(manager, change.id, serviceIds);
      await this.problems.linkIn(manager, actor, change.id, input.problemIds ?? []);
      await manager.insert(ChangeTransition, { changeId: change.id, fromStage: null, toStage: ChangeStage.draft, at: change.createdAt, actorId: actor.userId || null, reason: null });
      await appendAudit(manager, actor, { action: "change.create", entityType: "change", entityId: change.id, after: { ...change, serviceIds } });
      await this.publishWithin(work, change.id, ChangeChangeKind.created, actor);
      return change;
    });
  }

  async update(actor: Principal, input: UpdateChangeInput): Promise<Change> {
    return this.mutate(actor, input.id, input.version, "change.update", ChangeChangeKind.updated, async (change, { manager }) => {
      if (change.stage !== ChangeStage.draft) {
        throw new QuellError(ErrorCode.PreconditionFailed, `${formatChangeNumber(change.number)} is ${change.stage}; only drafts are edited (send it back to draft first).`);
      }
      if (input.type === ChangeType.standard && !change.templateId) throw badInput("type", "a standard change comes from a pre-approved template");
      if (input.type && change.templateId && input.type !== ChangeType.standard) throw badInput("type", "a change made from a template stays standard");
      await assertReferences(manager, input.serviceIds ?? [], [input.ownerId, input.implementerId]);
      const changed: string[] = [];
      for (const key of ["type", "title", "description", "implementationPlan", "backoutPlan", "testPlan", "plannedStart", "plannedEnd", "ownerId", "implementerId"] as const) {
        const value = input[key];
        if (value === undefined) continue;
        const same = value instanceof Date ? change[key] instanceof Date && (change[key] as Date).getTime() === value.getTime() : change[key] === value;
        if (same) continue;
        (change as unknown as Record<string, unknown>)[key] = typeof value === "string" && key === "title" ? value.trim() : value;
        changed.push(key);
      }
      assertWindow(change.plannedStart, change.plannedEnd);
      if (input.serviceIds) {
        const current = (await new ChangeAnalysis(manager).serviceIdsOf([change.id])).get(change.id)!;
        if (current.length !== input.serviceIds.length || current.some((s) => !input.serviceIds!.includes(s))) {
          await setServices(manager, change.id, input.serviceIds);
          changed.push("serviceIds");
        }
      }
      return changed.length > 0;
    });
  }

  async transition(actor: Principal, input: TransitionChangeInput): Promise<Change> {
    const change = await this.move(actor, input);
    if (change.stage === ChangeStage.closed) await this.problems.resolveFixedProblems(actor, change);
    return change;
  }

  private move(actor: Principal, input: TransitionChangeInput): Promise<Change> {
    return this.mutate(actor, input.id, input.version, "change.transition", ChangeChangeKind.stage_changed, async (change, { manager }) => {
      const from = change.stage;
      if (APPROVAL_ONLY_TARGETS.includes(input.to)) {
        throw new QuellError(ErrorCode.InvalidTransition, `A change becomes ${input.to} through approvals (approveChange / rejectChange), not by moving it.`, {
          from,
          to: input.to,
          allowed: [],
        });
      }
      const subject = await this.transitionSubject(manager, change);
      const verdict = checkChangeTransition(from, input.to, subject);
      if (!verdict.ok) throw new QuellError(ErrorCode.InvalidTransition, verdict.reason, { from, to: input.to, allowed: verdict.allowed });
      const analysis = new ChangeAnalysis(manager);
      const serviceIds = (await analysis.serviceIdsOf([change.id])).get(change.id)!;
      if (input.to === ChangeStage.assessing) {
        const risk = await analysis.risk(change, serviceIds);
        change.riskScore = risk.score;
        change.riskLevel = risk.level;
        change.riskReasons = risk.reasons;
        change.riskAssessedAt = new Date();
      }
      if (from === ChangeStage.assessing && input.to === ChangeStage.draft) change.approvalRound += 1;
      if (input.to === ChangeStage.scheduled && from === ChangeStage.draft) {
        // A standard change is authorized by being scheduled: conflicts block here.
        await this.assertNoBlockers(manager, actor, change, serviceIds, input.overrideReason);
      }
      await this.enter(manager, change, input.to, actor, input.note ?? null);
      return true;
    });
  }

  approve(actor: Principal, input: DecideChangeInput): Promise<Change> {
    return this.decide(actor, input, ApprovalDecision.approved);
  }

  reject(actor: Principal, input: DecideChangeInput): Promise<Change> {
    if (!input.comment?.trim()) throw badInput("comment", "say why the change is rejected");
    return this.decide(actor, input, ApprovalDecision.rejected);
  }

  private decide(actor: Principal, input: DecideChangeInput, decision: ApprovalDecision): Promise<Change> {
    return this.mutate(actor, input.id, input.version, `change.${decision === ApprovalDecision.approved ? "approve" : "reject"}`, ChangeChangeKind.decided, async (change, { manager }) => {
      const earlier = await manager.find(ChangeApproval, { where: { changeId: change.id, round: change.approvalRound } });
      const refusal = decisionRefusal(change, actor.userId, earlier);
      if (refusal) {
        const own = actor.userId === change.requesterId || actor.userId === change.ownerId;
        throw new QuellError(own && change.stage === ChangeStage.assessing ? ErrorCode.Forbidden : ErrorCode.PreconditionFailed, `${formatChangeNumber(change.number)}: ${refusal}.`);
      }
      const approval = manager.create(ChangeApproval, {
        changeId: change.id,
        round: change.approvalRound,
        approverId: actor.userId,
        decision,
        comment: input.comment?.trim() || null,
        decidedAt: new Date(),
      });
      await manager.save(approval);
      await appendAudit(manager, actor, { action: `change_approval.${decision}`, entityType: "change_approval", entityId: approval.id, after: approval });
      const policy = await new ChangeAnalysis(manager).policy();
      const status = approvalStatus(change.type, policy.cabQuorum, [...earlier, approval]);
      if (status.rejected) {
        await this.enter(manager, change, ChangeStage.rejected, actor, approval.comment);
      } else if (status.complete) {
        const serviceIds = (await new ChangeAnalysis(manager).serviceIdsOf([change.id])).get(change.id)!;
        await this.assertNoBlockers(manager, actor, change, serviceIds, input.overrideReason);
        await this.enter(manager, change, ChangeStage.authorized, actor, approval.comment);
      } else {
        // Not decisive, but the change did change: bump its version so every reader sees it.
        change.updatedAt = new Date();
      }
      return true;
    });
  }

  async review(actor: Principal, input: ReviewChangeInput): Promise<Change> {
    return this.mutate(actor, input.id, input.version, "change.review", ChangeChangeKind.reviewed, async (change, work) => {
      const { manager } = work;
      if (change.stage !== ChangeStage.reviewing) {
        throw new QuellError(ErrorCode.PreconditionFailed, `The post-implementation review is recorded while the change is reviewing; ${formatChangeNumber(change.number)} is ${change.stage}.`);
      }
      let review = await manager.findOne(ChangeReview, { where: { changeId: change.id } });
      const before = review ? { ...review } : null;
      review ??= manager.create(ChangeReview, { changeId: change.id });
      review.outcome = input.outcome;
      review.lessons = input.lessons.trim();
      review.reviewerId = actor.userId || null;
      review.reviewedAt = new Date();
      await manager.save(review);
      await appendAudit(manager, actor, { action: "change_review.write", entityType: "change_review", entityId: review.id, before, after: review });
      for (const incidentId of input.causedIncidentIds ?? []) await this.linkCause(work, actor, incidentId, change);
      change.updatedAt = new Date();
      return true;
    });
  }

  /** Marks (or clears) the change that caused an incident; the incident's version guards it. */
  async setIncidentCause(actor: Principal, input: SetIncidentCauseInput): Promise<Incident> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const incident = await manager.findOne(Incident, { where: { id: input.incidentId }, lock: { mode: "pessimistic_write" } });
      if (!incident) throw notFound("Incident", input.incidentId);
      if (incident.version !== input.version) throw conflict("Incident", incident.id, input.version, incident.version);
      const change = input.changeId ? await manager.findOne(Change, { where: { id: input.changeId } }) : null;
      if (input.changeId && !change) throw notFound("Change", input.changeId);
      if (change) await this.linkCause(work, actor, incident.id, change);
      else await this.unlinkCause(work, actor, incident);
      return manager.findOneByOrFail(Incident, { id: incident.id });
    });
  }

  private async linkCause(work: UnitOfWork, actor: Principal, incidentId: string, change: Change): Promise<void> {
    const { manager } = work;
    const incident = await manager.findOne(Incident, { where: { id: incidentId } });
    if (!incident) throw notFound("Incident", incidentId);
    const before = await manager.findOne(IncidentCause, { where: { incidentId } });
    if (before?.changeId === change.id) return;
    const cause = { incidentId, changeId: change.id, linkedById: actor.userId || null, linkedAt: new Date() };
    await manager.upsert(IncidentCause, cause, ["incidentId"]);
    await this.touchIncident(work, actor, incident, `Caused by ${formatChangeNumber(change.number)} (${change.title})`);
    await appendAudit(manager, actor, { action: "incident_cause.set", entityType: "incident", entityId: incidentId, before, after: cause });
    await this.publishWithin(work, change.id, ChangeChangeKind.linked, actor);
  }

  private async unlinkCause(work: UnitOfWork, actor: Principal, incident: Incident): Promise<void> {
    const before = await work.manager.findOne(IncidentCause, { where: { incidentId: incident.id } });
    if (!before) return;
    await work.manager.delete(IncidentCause, { incidentId: incident.id });
    await this.touchIncident(work, actor, incident, "No longer recorded as caused by a change");
    await appendAudit(work.manager, actor, { action: "incident_cause.clear", entityType: "incident", entityId: incident.id, before, after: null });
    await this.publishWithin(work, before.changeId, ChangeChangeKind.linked, actor);
  }

  /** The cause is part of the incident: bump its version, note it on its timeline, tell its watchers. */
  private async touchIncident(work: UnitOfWork, actor: Principal, incident: Incident, message: string): Promise<void> {
    await work.manager.query(`UPDATE incident SET version = version + 1, updated_at = now() WHERE id = $1`, [incident.id]);
    await work.manager.insert(TimelineEntry, { incidentId: incident.id, kind: TimelineKind.updated, message, data: { field: "causedByChange" }, actorId: actor.userId || null });
    const payload: IncidentChangedPayload = { incidentId: incident.id, kind: IncidentChangeKind.updated, actorId: actor.userId || null };
    work.afterCommit(() => this.pubsub.publish(INCIDENT_CHANGED, payload));
  }

  private async transitionSubject(manager: EntityManager, change: Change) {
    const [serviceCount, approvals, review, policy] = await Promise.all([
      manager.count(ChangeServiceLink, { where: { changeId: change.id } }),
      manager.find(ChangeApproval, { where: { changeId: change.id, round: change.approvalRound } }),
      manager.exists(ChangeReview, { where: { changeId: change.id } }),
      new ChangeAnalysis(manager).policy(),
    ]);
    const status = approvalStatus(change.type, policy.cabQuorum, approvals);
    return {
      type: change.type,
      fromTemplate: !!change.templateId,
      hasWindow: !!(change.plannedStart && change.plannedEnd),
      hasImplementationPlan: !!change.implementationPlan.trim(),
      hasBackoutPlan: !!change.backoutPlan.trim(),
      serviceCount,
      approvalsComplete: status.complete,
      rejected: status.rejected,
      wentWrong: !!(change.failedAt || change.rolledBackAt),
      reviewRecorded: review,
    };
  }

  /** Conflicts and freezes block authorization unless an approver overrides them with a reason. */
  private async assertNoBlockers(manager: EntityManager, actor: Principal, change: Change, serviceIds: string[], overrideReason: string | undefined): Promise<void> {
    const conflicts = await new ChangeAnalysis(manager).conflicts(change, serviceIds);
    if (conflicts.length === 0) return;
    if (!overrideReason?.trim()) {
      throw new QuellError(
        ErrorCode.PreconditionFailed,
        `${formatChangeNumber(change.number)} has ${conflicts.length} conflict(s): ${conflicts.map((c) => c.message).join("; ")}. An approver may authorize it anyway with an override reason.`,
        { conflicts: conflicts.map((c) => ({ kind: c.kind, message: c.message, changeId: c.changeId, freezeWindowId: c.freezeWindowId })) },
      );
    }
    if (!CHANGE_APPROVER_ROLES.includes(actor.role)) {
      throw new QuellError(ErrorCode.Forbidden, "Only change managers and admins may override conflicts and freezes.", { requiredRoles: [...CHANGE_APPROVER_ROLES] });
    }
    change.conflictOverrideReason = overrideReason.trim();
    change.conflictOverrideById = actor.userId || null;
  }

  /** Moves the change: stage, stamps, actual times, and one transition row. */
  private async enter(manager: EntityManager, change: Change, to: ChangeStage, actor: Principal, reason: string | null): Promise<void> {
    const now = new Date();
    const from = change.stage;
    change.stage = to;
    const stamp = CHANGE_STAGE_STAMP[to];
    if (stamp) (change as unknown as Record<string, unknown>)[stamp] = now;
    if (from === ChangeStage.implementing && ENDS_IMPLEMENTATION.includes(to)) change.actualEnd = now;
    await manager.insert(ChangeTransition, { changeId: change.id, fromStage: from, toStage: to, at: now, actorId: actor.userId || null, reason });
  }

  /** Lock, check the version, apply, then audit + event: the shape of every change edit. */
  private async mutate(
    actor: Principal,
    id: string,
    expectedVersion: number,
    action: string,
    kind: ChangeChangeKind,
    apply: (change: Change, work: UnitOfWork) => Promise<boolean>,
  ): Promise<Change> {
    return inTransaction(this.dataSource, async (work) => {
      const change = await work.manager.findOne(Change, { where: { id }, lock: { mode: "pessimistic_write" } });
      if (!change) throw notFound("Change", id);
      if (change.version !== expectedVersion) throw conflict("Change", id, expectedVersion, change.version);
      if (CHANGE_TERMINAL.includes(change.stage)) {
        throw new QuellError(ErrorCode.InvalidTransition, `${formatChangeNumber(change.number)} is ${change.stage}; it can no longer change.`, { from: change.stage, allowed: [] });
      }
      const before = { ...change };
      if (!(await apply(change, work))) return change; // nothing changed: no new version, no noise
      await work.manager.save(change);
      await appendAudit(work.manager, actor, { action, entityType: "change", entityId: change.id, before, after: change });
      await this.publishWithin(work, change.id, kind, actor);
      return change;
    });
  }

  private publishWithin(work: UnitOfWork, changeId: string, kind: ChangeChangeKind, actor: Principal): Promise<void> {
    const payload: ChangeChangedPayload = { changeId, kind, actorId: actor.userId || null };
    return this.pubsub.publishWithin(work, CHANGE_CHANGED, payload);
  }
}

function assertWindow(start: Date | null, end: Date | null): void {
  if ((start === null) !== (end === null)) throw badInput(start ? "plannedEnd" : "plannedStart", "give both the planned start and end, or neither");
  if (start && end && end.getTime() <= start.getTime()) throw badInput("plannedEnd", "must be after plannedStart");
}

/** Unknown ids in input are the caller's mistake: NOT_FOUND naming the record, not a foreign-key error. */
async function assertReferences(manager: EntityManager, serviceIds: string[], userIds: Array<string | undefined>): Promise<void> {
  if (serviceIds.length) {
    const found = await manager.find(Service, { where: { id: In(serviceIds) }, select: { id: true } });
    const missing = serviceIds.find((s) => !found.some((f) => f.id === s));
    if (missing) throw notFound("Service", missing);
  }
  const users = userIds.filter((u): u is string => !!u);
  if (users.length) {
    const found = await manager.find(User, { where: { id: In(users) }, select: { id: true } });
    const missing = users.find((u) => !found.some((f) => f.id === u));
    if (missing) throw notFound("User", missing);
  }
}

async function setServices(manager: EntityManager, changeId: string, serviceIds: string[]): Promise<void> {
  await manager.delete(ChangeServiceLink, { changeId });
  const unique = [...new Set(serviceIds)];
  if (unique.length) await manager.insert(ChangeServiceLink, unique.map((serviceId) => ({ changeId, serviceId })));
}

