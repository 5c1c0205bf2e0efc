import type { DataSource, EntityManager } from "typeorm";
import { In } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { ErrorCode, QuellError, badInput, conflict, notFound } from "../../platform/errors";
import { inTransaction, type UnitOfWork } from "../../platform/database/transaction";
import type { QuellPubSub } from "../../platform/pubsub";
import { QueueName } from "../../platform/queue/queues";
import { appendAudit } from "../audit/audit.service";
import { Service } from "../catalog/catalog.entity";
import { enqueueInTransaction } from "../outbox/outbox.service";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { ClosureCode, Incident, IncidentTransition } from "./incident.entity";
import { INCIDENT_CHANGED, IncidentChangeKind, type IncidentChangedPayload } from "./incident.events";
import type {
  AddTaskInput,
  AddTimelineNoteInput,
  AssignIncidentInput,
  CompleteTaskInput,
  CreateIncidentInput,
  MarkDuplicateInput,
  ReopenIncidentInput,
  SetIncidentPendingInput,
  TransitionIncidentInput,
  UpdateIncidentInput,
  WriteReportInput,
} from "./incident.inputs";
import { checkHold } from "./incident.hold";
import { REOPEN_TARGET, Stage, TERMINAL, canReopen, checkTransition, stagesAfter } from "./incident.lifecycle";
import { ACTION_ITEM_DUE_DAYS, CLOSURE_LABEL, STAGE_STAMP, actionItemTaskTitle, assertIncidentEditable, assigneeOnTeamChange, closureProblem, formatIncidentNumber } from "./incident.rules";
import { PriorityRule } from "./priority-rule.entity";
import { priorityFor, validateMatrix, type PriorityMatrix } from "./priority.rules";
import { IncidentReport } from "./report.entity";
import { FollowUpTask } from "./task.entity";
import { completeTaskRow } from "../record/task.rules";
import { TimelineEntry, TimelineKind } from "./timeline.entity";
import { transitionSubjects, timelineNames } from "./incident.facts";
import { describeChanges, type ChangeOrigin, type FieldChange, type TimelineField } from "./incident.timeline";


/** Fields whose change means the text the triage models read has changed. */
const TRIAGE_TEXT_FIELDS = ["title", "description", "serviceId", "category"] as const;

type TimelineInput = { kind: TimelineKind; message: string; data?: Record<string, unknown> };

/** How a change is made: inside a caller's transaction (a suggestion decision), and where it came from. */
export interface ChangeOptions {
  work?: UnitOfWork;
  via?: ChangeOrigin;
}

/** What a change hook sees: the incident after the change, a copy from before, and who did it. */
export interface IncidentChange {
  incident: Incident;
  before: Incident;
  action: string;
  actor: Principal;
}
/** Runs inside the change's transaction, so another module's reaction commits (or fails) with it. */
export type IncidentChangeHook = (work: UnitOfWork, change: IncidentChange) => Promise<void>;
/** Runs inside the creating transaction (service-level clocks start with the incident). */
export type IncidentCreateHook = (work: UnitOfWork, incident: Incident, actor: Principal) => Promise<void>;

export class IncidentService {
  private readonly changeHooks: IncidentChangeHook[] = [];
  private readonly createHooks: IncidentCreateHook[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: QuellPubSub,
  ) {}

  /** Lets another module react to incident edits (problems follow their incidents' priority and duplicates) without incidents knowing it. */
  onChange(hook: IncidentChangeHook): void {
    this.changeHooks.push(hook);
  }

  /** Lets another module react to a new incident inside its transaction. */
  onCreate(hook: IncidentCreateHook): void {
    this.createHooks.push(hook);
  }

  async priorityMatrix(manager: EntityManager = this.dataSource.manager): Promise<PriorityMatrix> {
    return manager.find(PriorityRule, { order: { impact: "ASC", urgency: "ASC" } });
  }

  async getById(id: string): Promise<Incident> {
    const incident = await this.dataSource.getRepository(Incident).findOne({ where: { id } });
    if (!incident) throw notFound("Incident", id);
    return incident;
  }

  async getByNumber(number: number): Promise<Incident> {
    const incident = await this.dataSource.getRepository(Incident).findOne({ where: { number } });
    if (!incident) throw notFound("Incident", formatIncidentNumber(number));
    return incident;
  }

  /** Given `outer`, the incident is created inside the caller's transaction (an alert opening it). */
  async create(actor: Principal, input: CreateIncidentInput, outer?: UnitOfWork): Promise<Incident> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      // One read both checks the service and gives its owner team: the incident goes there unless someone chose a team.
      const service = input.serviceId ? await manager.findOne(Service, { where: { id: input.serviceId }, select: { id: true, ownerTeamId: true } }) : null;
      if (input.serviceId && !service) throw notFound("Service", input.serviceId);
      await this.assertReferences(manager, { teamId: input.teamId, assigneeId: input.assigneeId });
      const matrix = await this.priorityMatrix(manager);
      const teamId = input.teamId || service?.ownerTeamId || null;
      const now = new Date();
      const incident = manager.create(Incident, {
        title: input.title.trim(),
        description: input.description ?? "",
        serviceId: input.serviceId ?? null,
        category: input.category ?? null,
        impact: input.impact,
        urgency: input.urgency,
        priority: priorityFor(matrix, input.impact, input.urgency),
        severity: input.severity ?? null,
        stage: Stage.identified,
        teamId,
        assigneeId: input.assigneeId ?? null,
        reporterId: actor.userId || null,
        identifiedAt: now,
        acknowledgedAt: input.assigneeId ? now : null,
      });
      await manager.save(incident);
      await manager.insert(IncidentTransition, { incidentId: incident.id, fromStage: null, toStage: Stage.identified, at: now, actorId: actor.userId || null, reason: null });
      for (const hook of this.createHooks) await hook(work, incident, actor);
      await this.appendTimeline(manager, incident, actor, { kind: TimelineKind.created, message: `${formatIncidentNumber(incident.number)} opened: ${incident.title}` });
      await appendAudit(manager, actor, { action: "incident.create", entityType: "incident", entityId: incident.id, before: null, after: incident });
      await enqueueInTransaction(manager, QueueName.Triage, "triage", { incidentId: incident.id, reason: "created" });
      this.publishAfterCommit(work, incident.id, IncidentChangeKind.created, actor);
      return incident;
    }, outer);
  }

  async update(actor: Principal, input: UpdateIncidentInput, opts: ChangeOptions = {}): Promise<Incident> {
    return this.mutate(actor, input.id, input.version, "incident.update", IncidentChangeKind.updated, async (incident, { manager }) => {
      assertIncidentEditable(incident);
      await this.assertReferences(manager, {
        serviceId: input.serviceId,
        userIds: [input.commanderId, input.communicationsLeadId, input.scribeId].filter((v): v is string => !!v),
      });
      const changes: FieldChange[] = [];
      const assign = <K extends keyof Incident & TimelineField>(key: K, value: Incident[K] | undefined) => {
        if (value === undefined || incident[key] === value) return;
        incident[key] = value;
        changes.push({ field: key, to: value as FieldChange["to"] });
      };
      assign("title", input.title?.trim());
      assign("description", input.description);
      assign("serviceId", input.serviceId);
      assign("category", input.category);
      assign("impact", input.impact);
      assign("urgency", input.urgency);
      assign("severity", input.severity);
      assign("resolution", input.resolution);
      assign("isMajor", input.isMajor);
      assign("commanderId", input.commanderId);
      assign("communicationsLeadId", input.communicationsLeadId);
      assign("scribeId", input.scribeId);
      const changed = (field: TimelineField) => changes.some((c) => c.field === field);
      if (changed("impact") || changed("urgency")) {
        const priority = priorityFor(await this.priorityMatrix(manager), incident.impact, incident.urgency);
        if (priority !== incident.priority) {
          incident.priority = priority;
          changes.push({ field: "priority", to: priority });
        }
      }
      if (changes.length === 0) return [];
      if (TRIAGE_TEXT_FIELDS.some(changed)) {
        await enqueueInTransaction(manager, QueueName.Triage, "triage", { incidentId: incident.id, reason: "text_changed" });
      }
      const names = await timelineNames(manager, changes);
      const major = changes.filter((c) => c.field === "isMajor");
      const others = changes.filter((c) => c.field !== "isMajor");
      const entries: TimelineInput[] = [];
      if (major.length) entries.push({ kind: TimelineKind.major_incident, message: describeChanges(major, names, opts.via) });
      if (others.length) entries.push({ kind: TimelineKind.updated, message: describeChanges(others, names, opts.via), data: { fields: others.map((c) => c.field) } });
      return entries;
    }, opts.work);
  }

  async transition(actor: Principal, input: TransitionIncidentInput): Promise<Incident> {
    return this.mutate(actor, input.id, input.version, "incident.transition", IncidentChangeKind.stage_changed, async (incident, { manager }) => {
      const from = incident.stage;
      if (TERMINAL.includes(from)) {
        throw new QuellError(ErrorCode.InvalidTransition, `${formatIncidentNumber(incident.number)} is ${from}; reopen it to change its stage.`, {
          from,
          to: input.to,
          allowed: [],
        });
      }
      // One after the other: a transaction's connection runs one query at a time.
      const subjects = await transitionSubjects(manager, [incident]);
      const report = await manager.findOne(IncidentReport, { where: { incidentId: incident.id } });
      const verdict = checkTransition(from, input.to, subjects.get(incident.id)!);
      if (!verdict.ok) {
        throw new QuellError(ErrorCode.InvalidTransition, verdict.reason, { from, to: input.to, allowed: verdict.allowed });
      }
      if (input.to === Stage.closed) {
        const closure = closureProblem(incident, input);
        if (closure) throw badInput(closure.field, closure.message);
        incident.resolution = (input.resolution?.trim() || incident.resolution?.trim()) ?? null;
        incident.closureCode = input.closureCode!;
      }
      const now = new Date();
      this.stamp(incident, input.to, now);
      incident.acknowledgedAt ??= now;
      await manager.insert(IncidentTransition, { incidentId: incident.id, fromStage: from, toStage: input.to, at: now, actorId: actor.userId || null, reason: input.note ?? null });
      if (input.to === Stage.reviewed && !report) {
        // The review starts with a draft whose timeline is drawn from the stamps.
        await manager.save(manager.create(IncidentReport, { incidentId: incident.id, authorId: actor.userId || null, actionItems: [] }));
      }
      const closed = input.to === Stage.closed ? ` as "${CLOSURE_LABEL[incident.closureCode!]}"` : "";
      const message = `Moved from ${from} to ${input.to}${closed}${input.note ? `: ${input.note}` : ""}`;
      return [{ kind: TimelineKind.stage_changed, message, data: { from, to: input.to, ...(closed ? { closureCode: incident.closureCode } : {}) } }];
    });
  }

  async assign(actor: Principal, input: AssignIncidentInput, opts: ChangeOptions = {}): Promise<Incident> {
    return this.mutate(actor, input.id, input.version, "incident.assign", IncidentChangeKind.assigned, async (incident, { manager }) => {
      assertIncidentEditable(incident);
      await this.assertReferences(manager, { teamId: input.teamId ?? undefined, assigneeId: input.assigneeId ?? undefined });
      const changes: FieldChange[] = [];
      const namedNow = input.assigneeId !== undefined && input.assigneeId !== incident.assigneeId;
      let assigneeId = namedNow ? input.assigneeId! : incident.assigneeId;
      if (input.teamId !== undefined && input.teamId !== incident.teamId && assigneeId) {
        const assignee = await manager.findOne(User, { where: { id: assigneeId }, select: { id: true, name: true, teamId: true } });
        const verdict = assigneeOnTeamChange({ teamId: input.teamId, assigneeTeamId: assignee?.teamId ?? null, namedNow });
        if (verdict === "refuse") throw badInput("assigneeId", `${assignee?.name ?? assigneeId} is not a member of the chosen team; pick one of its members or leave the assignee empty`);
        if (verdict === "clear") assigneeId = null;
      }
      if (input.teamId !== undefined && input.teamId !== incident.teamId) {
        incident.teamId = input.teamId;
        changes.push({ field: "teamId", to: input.teamId });
      }
      if (assigneeId !== incident.assigneeId) {
        incident.assigneeId = assigneeId;
        changes.push({ field: "assigneeId", to: assigneeId });
        if (assigneeId) incident.acknowledgedAt ??= new Date();
      }
      if (changes.length === 0) return [];
      const message = describeChanges(changes, await timelineNames(manager, changes), opts.via);
      return [{ kind: TimelineKind.assigned, message, data: { assigneeId: incident.assigneeId, teamId: incident.teamId } }];
    }, opts.work);
  }

  async addNote(actor: Principal, input: AddTimelineNoteInput): Promise<TimelineEntry> {
    return inTransaction(this.dataSource, async (work) => {
      const incident = await this.lockIncident(work.manager, input.incidentId);
      const entry = await this.appendTimeline(work.manager, incident, actor, { kind: TimelineKind.note, message: input.message });
      await appendAudit(work.manager, actor, { action: "incident.note", entityType: "timeline_entry", entityId: entry.id, after: entry });
      this.publishAfterCommit(work, incident.id, IncidentChangeKind.timeline_appended, actor);
      return entry;
    });
  }

  async addTask(actor: Principal, input: AddTaskInput): Promise<FollowUpTask> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const incident = await this.lockIncident(manager, input.incidentId);
      assertIncidentEditable(incident);
      await this.assertReferences(manager, { userIds: [input.ownerId] });
      const task = await manager.save(manager.create(FollowUpTask, { incidentId: incident.id, title: input.title.trim(), ownerId: input.ownerId, dueAt: input.dueAt }));
      await this.appendTimeline(manager, incident, actor, { kind: TimelineKind.task_added, message: `Task added: ${task.title}`, data: { taskId: task.id } });
      await appendAudit(manager, actor, { action: "task.create", entityType: "follow_up_task", entityId: task.id, after: task });
      this.publishAfterCommit(work, incident.id, IncidentChangeKind.task_changed, actor);
      return task;
    });
  }

  async completeTask(actor: Principal, input: CompleteTaskInput): Promise<FollowUpTask> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const task = await manager.findOne(FollowUpTask, { where: { id: input.taskId }, lock: { mode: "pessimistic_write" } });
      if (!task) throw notFound("Task", input.taskId);
      const before = completeTaskRow(task, input.version, actor, "Task", new Date());
      await manager.save(task);
      const incident = await manager.findOneByOrFail(Incident, { id: task.incidentId });
      await this.appendTimeline(manager, incident, actor, { kind: TimelineKind.task_completed, message: `Task completed: ${task.title}`, data: { taskId: task.id } });
      await appendAudit(manager, actor, { action: "task.complete", entityType: "follow_up_task", entityId: task.id, before, after: task });
      this.publishAfterCommit(work, incident.id, IncidentChangeKind.task_changed, actor);
      return task;
    });
  }

  async writeReport(actor: Principal, input: WriteReportInput): Promise<IncidentReport> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const incident = await this.lockIncident(manager, input.incidentId);
      // Closing from review needs the report shared, so a closed incident's report is final: revising it is an edit.
      assertIncidentEditable(incident);
      if (![Stage.recovered, Stage.reviewed].includes(incident.stage)) {
        throw new QuellError(ErrorCode.PreconditionFailed, `The lessons-learned report is written from recovery on; ${formatIncidentNumber(incident.number)} is ${incident.stage}.`);
      }
      let report = await manager.findOne(IncidentReport, { where: { incidentId: incident.id } });
      // Like every write: the version read (0 for no report yet), so two editors never overwrite each other.
      const currentVersion = report?.version ?? 0;
      if (input.version !== currentVersion) throw conflict("IncidentReport", report?.id ?? incident.id, input.version, currentVersion);
      const before = report ? { ...report } : null;
      report ??= manager.create(IncidentReport, { incidentId: incident.id, actionItems: [] });
      for (const key of ["whatHappened", "impact", "rootCause", "wentWell", "toImprove", "actionItems"] as const) {
        if (input[key] !== undefined) (report as unknown as Record<string, unknown>)[key] = input[key];
      }
      report.authorId ??= actor.userId || null;
      if (input.publish) {
        const missing = (["whatHappened", "impact", "rootCause"] as const).filter((k) => !report![k].trim());
        if (missing.length) throw badInput(missing[0], `is required before the report can be shared (missing: ${missing.join(", ")})`);
        report.publishedAt ??= new Date();
      }
      await manager.save(report);
      await this.trackActionItems(manager, incident, actor, report.actionItems);
      await this.appendTimeline(manager, incident, actor, {
        kind: TimelineKind.report_written,
        message: input.publish ? "Lessons-learned report shared" : "Lessons-learned report updated",
      });
      await appendAudit(manager, actor, { action: "report.write", entityType: "incident_report", entityId: report.id, before, after: report });
      this.publishAfterCommit(work, incident.id, IncidentChangeKind.report_changed, actor);
      return report;
    });
  }

  async reopen(actor: Principal, input: ReopenIncidentInput): Promise<Incident> {
    return this.mutate(actor, input.id, input.version, "incident.reopen", IncidentChangeKind.stage_changed, async (incident, { manager }) => {
      const from = incident.stage;
      if (!canReopen(from)) {
        throw new QuellError(ErrorCode.InvalidTransition, `Only recovered, reviewed or closed incidents can be reopened; this one is ${from}.`, {
          from,
          to: REOPEN_TARGET,
          allowed: [],
        });
      }
      const now = new Date();
      // The earlier stamps stay in incident_transition; the incident's own show the current run.
      for (const stage of stagesAfter(REOPEN_TARGET)) (incident as unknown as Record<string, unknown>)[STAGE_STAMP[stage]] = null;
      incident.stage = REOPEN_TARGET;
      incident.closureCode = null;
      incident.reopenCount += 1;
      await manager.insert(IncidentTransition, { incidentId: incident.id, fromStage: from, toStage: REOPEN_TARGET, at: now, actorId: actor.userId || null, reason: input.reason });
      return [{ kind: TimelineKind.reopened, message: `Reopened from ${from}: ${input.reason}`, data: { from } }];
    });
  }

  /** Puts the incident on hold (waiting on the requester or a vendor) or back to work; the hold table says which moves are allowed. */
  async setPending(actor: Principal, input: SetIncidentPendingInput): Promise<Incident> {
    return this.mutate(actor, input.id, input.version, "incident.set_pending", IncidentChangeKind.updated, async (incident) => {
      const to = input.reason ?? null;
      if (to === incident.pendingReason) return [];
      const verdict = checkHold(incident.pendingReason, to, { stage: incident.stage });
      if (!verdict.ok) throw new QuellError(ErrorCode.InvalidTransition, verdict.reason, { from: incident.pendingReason ?? "working", to: to ?? "working", allowed: verdict.allowed });
      const from = incident.pendingReason;
      incident.pendingReason = to;
      incident.pendingSince = to ? new Date() : null;
      const what = to ? `On hold: ${to.replace("_", " ")}` : `Back to work (was ${from!.replace("_", " ")})`;
      return [{ kind: TimelineKind.updated, message: `${what}${input.note ? `: ${input.note}` : ""}`, data: { fields: ["pendingReason"], from, to } }];
    });
  }

  async markDuplicate(actor: Principal, input: MarkDuplicateInput): Promise<Incident> {
    return this.mutate(actor, input.id, input.version, "incident.mark_duplicate", IncidentChangeKind.stage_changed, async (incident, { manager }) => {
      if (input.duplicateOfId === incident.id) throw badInput("duplicateOfId", "an incident cannot duplicate itself");
      if (TERMINAL.includes(incident.stage)) {
        throw new QuellError(ErrorCode.InvalidTransition, `${formatIncidentNumber(incident.number)} is already ${incident.stage}.`, { from: incident.stage, to: Stage.cancelled, allowed: [] });
      }
      const original = await manager.findOne(Incident, { where: { id: input.duplicateOfId } });
      if (!original) throw notFound("Incident", input.duplicateOfId);
      if (original.duplicateOfId === incident.id) throw badInput("duplicateOfId", "that incident is already a duplicate of this one");
      const from = incident.stage;
      const now = new Date();
      incident.duplicateOfId = original.id;
      incident.closureCode = ClosureCode.duplicate;
      this.stamp(incident, Stage.cancelled, now);
      await manager.insert(IncidentTransition, { incidentId: incident.id, fromStage: from, toStage: Stage.cancelled, at: now, actorId: actor.userId || null, reason: `duplicate of ${formatIncidentNumber(original.number)}` });
      await this.appendTimeline(manager, original, actor, {
        kind: TimelineKind.marked_duplicate,
        message: `${formatIncidentNumber(incident.number)} was marked as a duplicate of this incident`,
        data: { duplicateId: incident.id },
      });
      return [{ kind: TimelineKind.marked_duplicate, message: `Cancelled as a duplicate of ${formatIncidentNumber(original.number)}`, data: { duplicateOfId: original.id } }];
    });
  }

  async setPriorityMatrix(actor: Principal, cells: PriorityMatrix): Promise<PriorityMatrix> {
    const problem = validateMatrix(cells);
    if (problem) throw badInput("cells", problem);
    return inTransaction(this.dataSource, async ({ manager }) => {
      const before = await this.priorityMatrix(manager);
      // Not manager.delete(PriorityRule, {}): TypeORM refuses empty criteria, so every call failed.
      await manager.createQueryBuilder().delete().from(PriorityRule).execute();
      await manager.insert(PriorityRule, cells.map((c) => ({ ...c })));
      await appendAudit(manager, actor, { action: "priority_matrix.set", entityType: "priority_matrix", entityId: "default", before: { cells: before }, after: { cells } });
      return this.priorityMatrix(manager);
    });
  }

  /** Lock, check the version, apply, then timeline + audit + event: the shape of every incident edit. */
  private async mutate(
    actor: Principal,
    id: string,
    expectedVersion: number,
    action: string,
    kind: IncidentChangeKind,
    apply: (incident: Incident, work: UnitOfWork) => Promise<TimelineInput[]>,
    outer?: UnitOfWork,
  ): Promise<Incident> {
    return inTransaction(this.dataSource, async (work) => {
      const incident = await this.lockIncident(work.manager, id);
      if (incident.version !== expectedVersion) throw conflict("Incident", id, expectedVersion, incident.version);
      const before = { ...incident };
      const entries = await apply(incident, work);
      if (entries.length === 0) return incident; // nothing changed: no new version, no noise
      await work.manager.save(incident);
      for (const hook of this.changeHooks) await hook(work, { incident, before, action, actor });
      for (const entry of entries) await this.appendTimeline(work.manager, incident, actor, entry);
      await appendAudit(work.manager, actor, { action, entityType: "incident", entityId: incident.id, before, after: incident });
      this.publishAfterCommit(work, incident.id, kind, actor);
      return incident;
    }, outer);
  }



  /** Each action item of the report is followed up as a task (owned by the writer), so open ones block closing like tasks do. */
  private async trackActionItems(manager: EntityManager, incident: Incident, actor: Principal, items: readonly string[]): Promise<void> {
    const existing = new Set((await manager.find(FollowUpTask, { where: { incidentId: incident.id }, select: { id: true, title: true } })).map((t) => t.title));
    const fresh = [...new Set(items.map(actionItemTaskTitle).filter((title) => title && !existing.has(title)))];
    if (fresh.length === 0 || !actor.userId) return;
    const dueAt = new Date(Date.now() + ACTION_ITEM_DUE_DAYS * 86_400_000);
    for (const title of fresh) {
      const task = await manager.save(manager.create(FollowUpTask, { incidentId: incident.id, title, ownerId: actor.userId, dueAt }));
      await this.appendTimeline(manager, incident, actor, { kind: TimelineKind.task_added, message: `Task added from the report's action items: ${task.title}`, data: { taskId: task.id } });
      await appendAudit(manager, actor, { action: "task.create", entityType: "follow_up_task", entityId: task.id, after: task });
    }
  }

  private stamp(incident: Incident, stage: Stage, at: Date): void {
    incident.stage = stage;
    (incident as unknown as Record<string, unknown>)[STAGE_STAMP[stage]] = at;
  }

  private async lockIncident(manager: EntityManager, id: string): Promise<Incident> {
    const incident = await manager.findOne(Incident, { where: { id }, lock: { mode: "pessimistic_write" } });
    if (!incident) throw notFound("Incident", id);
    return incident;
  }

  private async appendTimeline(manager: EntityManager, incident: Incident, actor: Principal, entry: TimelineInput): Promise<TimelineEntry> {
    return manager.save(
      manager.create(TimelineEntry, { incidentId: incident.id, kind: entry.kind, message: entry.message, data: entry.data ?? null, actorId: actor.userId || null }),
    );
  }

  /** Unknown ids in input are the caller's mistake: NOT_FOUND naming the field, not a foreign-key error. */
  private async assertReferences(
    manager: EntityManager,
    refs: { serviceId?: string; teamId?: string; assigneeId?: string; userIds?: string[] },
  ): Promise<void> {
    if (refs.serviceId && !(await manager.exists(Service, { where: { id: refs.serviceId } }))) throw notFound("Service", refs.serviceId);
    if (refs.teamId && !(await manager.exists(Team, { where: { id: refs.teamId } }))) throw notFound("Team", refs.teamId);
    const userIds = [...(refs.userIds ?? []), ...(refs.assigneeId ? [refs.assigneeId] : [])];
    if (userIds.length) {
      const found = await manager.find(User, { where: { id: In(userIds) }, select: { id: true } });
      const missing = userIds.find((u) => !found.some((f) => f.id === u));
      if (missing) throw notFound("User", missing);
    }
  }

  private publishAfterCommit(work: UnitOfWork, incidentId: string, kind: IncidentChangeKind, actor: Principal): void {
    const payload: IncidentChangedPayload = { incidentId, kind, actorId: actor.userId || null };
    work.afterCommit(() => this.pubsub.publish(INCIDENT_CHANGED, payload));
  }
}
