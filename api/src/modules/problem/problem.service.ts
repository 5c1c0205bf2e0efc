import type { DataSource, EntityManager } from "typeorm";
import { In } from "typeorm";
import { Role, type Principal } from "../../platform/auth/roles";
import type { Clock } from "../../platform/clock";
import { inTransaction, type UnitOfWork } from "../../platform/database/transaction";
import { ErrorCode, QuellError, badInput, conflict, notFound } from "../../platform/errors";
import type { QuellPubSub } from "../../platform/pubsub";
import { appendAudit } from "../audit/audit.service";
import { Service } from "../catalog/catalog.entity";
import { Incident } from "../incident/incident.entity";
import { INCIDENT_CHANGED, IncidentChangeKind, type IncidentChangedPayload } from "../incident/incident.events";
import { formatIncidentNumber } from "../incident/incident.rules";
import type { IncidentChange, IncidentService } from "../incident/incident.service";
import { priorityFor } from "../incident/priority.rules";
import type { Suggestion } from "../suggestion/suggestion.entity";
import { User } from "../user/user.entity";
import { Problem, ProblemIncidentLink, ProblemTransition } from "./problem.entity";
import { ProblemChangeKind } from "./problem.events";
import type {
  CreateProblemFromIncidentsInput,
  CreateProblemInput,
  RecordRootCauseInput,
  SetProblemPriorityInput,
  SetWorkaroundInput,
  TransitionProblemInput,
  UpdateProblemInput,
} from "./problem.inputs";
import { ProblemStage, TERMINAL_PROBLEM_STAGES, checkProblemTransition, problemMoveMessage } from "./problem.lifecycle";
import { PROBLEM_STAGE_STAMP, closingRefusal, formatProblemNumber, rollUpPriority } from "./problem.rules";
import { ProblemTimelineKind } from "./problem-work.entity";
import { appendProblemTimeline, assertProblemOpen, lockProblem, publishProblemChange, type TimelineInput } from "./problem.records";

const OWNER_ROLES: readonly Role[] = [Role.problem_manager, Role.admin];
const CLOSED_INCIDENT_STAGES = ["closed", "cancelled"];

export interface ProblemServiceOptions {
  /** A resolved problem closes without a reason only after this many days with no linked incident. */
  quietPeriodDays: number;
  clock: Clock;
}

/**
 * Problems: the record, its lifecycle, root-cause analysis, and its links to incidents. Every
 * write locks the problem, checks its version, and is audited; methods that other modules call
 * (recurrence candidates) take an optional unit of work to join the caller's transaction.
 */
export class ProblemService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: QuellPubSub,
    private readonly incidents: IncidentService,
    readonly options: ProblemServiceOptions,
  ) {
    incidents.onChange((work, change) => this.followIncident(work, change));
  }

  async getById(id: string): Promise<Problem> {
    const problem = await this.dataSource.getRepository(Problem).findOne({ where: { id } });
    if (!problem) throw notFound("Problem", id);
    return problem;
  }

  async getByNumber(number: number): Promise<Problem> {
    const problem = await this.dataSource.getRepository(Problem).findOne({ where: { number } });
    if (!problem) throw notFound("Problem", formatProblemNumber(number));
    return problem;
  }

  /** The problem an incident is linked to, if any. */
  async problemIdOf(incidentId: string, manager: EntityManager = this.dataSource.manager): Promise<string | null> {
    const link = await manager.findOne(ProblemIncidentLink, { where: { incidentId } });
    return link?.problemId ?? null;
  }

  async create(actor: Principal, input: CreateProblemInput, work?: UnitOfWork): Promise<Problem> {
    return this.run(work, async (w) => {
      const { manager } = w;
      await this.assertOwner(manager, input.ownerId);
      const services = await this.findServices(manager, input.serviceIds ?? []);
      const matrix = await this.incidents.priorityMatrix(manager);
      const now = this.options.clock.now();
      const problem = manager.create(Problem, {
        title: input.title.trim(),
        statement: input.statement ?? "",
        ownerId: input.ownerId ?? null,
        impact: input.impact,
        urgency: input.urgency,
        priority: priorityFor(matrix, input.impact, input.urgency),
        manualPriority: null,
        stage: ProblemStage.new,
        services,
      });
      await manager.save(problem);
      await manager.insert(ProblemTransition, { problemId: problem.id, fromStage: null, toStage: ProblemStage.new, at: now, actorId: actor.userId || null, reason: null });
      await appendProblemTimeline(manager, problem.id, actor, { kind: ProblemTimelineKind.created, message: `${formatProblemNumber(problem.number)} opened: ${problem.title}` });
      await appendAudit(manager, actor, { action: "problem.create", entityType: "problem", entityId: problem.id, before: null, after: problem });
      if (input.incidentIds?.length) {
        const entry = await this.attach(w, problem, actor, input.incidentIds);
        if (entry) await appendProblemTimeline(manager, problem.id, actor, entry);
        if (await this.rollUp(manager, problem)) await manager.save(problem);
      } else {
        await this.rollUp(manager, problem); // sets the reason; the priority is the matrix's
        await manager.update(Problem, { id: problem.id }, { priorityReason: problem.priorityReason, prioritySource: problem.prioritySource });
      }
      await publishProblemChange(this.pubsub, w, problem.id, ProblemChangeKind.created, actor);
      return problem;
    });
  }

  /**
   * A problem for a group of incidents (a person's choice or an accepted recurrence candidate):
   * title from the first incident, the worst impact and urgency among them, their services, and
   * all of them linked. The owner defaults to the caller when they may own problems.
   */
  async createFromIncidents(actor: Principal, input: CreateProblemFromIncidentsInput, work?: UnitOfWork): Promise<Problem> {
    return this.run(work, async (w) => {
      const ids = [...new Set(input.incidentIds)];
      const incidents = await w.manager.find(Incident, { where: { id: In(ids) }, order: { createdAt: "ASC" } });
      const missing = ids.find((id) => !incidents.some((i) => i.id === id));
      if (missing) throw notFound("Incident", missing);
      const first = incidents[0];
      return this.create(
        actor,
        {
          title: input.title ?? first.title.slice(0, 300),
          statement: input.statement ?? `Recurring: ${incidents.map((i) => formatIncidentNumber(i.number)).join(", ")}`,
          ownerId: input.ownerId ?? (OWNER_ROLES.includes(actor.role) && actor.userId ? actor.userId : undefined),
          impact: Math.min(...incidents.map((i) => i.impact)),
          urgency: Math.min(...incidents.map((i) => i.urgency)),
          serviceIds: [...new Set(incidents.map((i) => i.serviceId).filter((s): s is string => !!s))],
          incidentIds: ids,
        },
        w,
      );
    });
  }

  async update(actor: Principal, input: UpdateProblemInput): Promise<Problem> {
    return this.mutate(actor, input.id, input.version, "problem.update", ProblemChangeKind.updated, async (problem, { manager }) => {
      const changes: string[] = [];
      const assign = <K extends keyof Problem>(key: K, value: Problem[K] | undefined) => {
        if (value === undefined || problem[key] === value) return;
        problem[key] = value;
        changes.push(String(key));
      };
      if (input.ownerId !== undefined) await this.assertOwner(manager, input.ownerId);
      assign("title", input.title?.trim());
      assign("statement", input.statement);
      assign("ownerId", input.ownerId);
      assign("impact", input.impact);
      assign("urgency", input.urgency);
      if (input.serviceIds) {
        const current = await this.serviceIdsOf(manager, problem.id);
        const next = [...new Set(input.serviceIds)];
        if (current.length !== next.length || current.some((id) => !next.includes(id))) {
          problem.services = await this.findServices(manager, next);
          changes.push("services");
        }
      }
      if (changes.length === 0) return [];
      const entries: TimelineInput[] = [{ kind: ProblemTimelineKind.updated, message: `Changed ${changes.join(", ")}`, data: { fields: changes } }];
      const priority = await this.rollUp(manager, problem);
      if (priority) entries.push(priority);
      return entries;
    });
  }

  /** Sets the priority by hand with a reason, or (priority null) hands it back to the roll-up. */
  async setPriority(actor: Principal, input: SetProblemPriorityInput): Promise<Problem> {
    return this.mutate(actor, input.id, input.version, "problem.set_priority", ProblemChangeKind.priority_changed, async (problem, { manager }) => {
      const reason = input.reason.trim();
      problem.manualPriority = input.priority ?? null;
      if (problem.manualPriority !== null) problem.priorityReason = reason;
      const entry = await this.rollUp(manager, problem, true);
      const message = problem.manualPriority !== null ? `Priority set by hand to P${problem.priority}: ${reason}` : `Priority follows the incidents again (P${problem.priority}): ${reason}`;
      return [{ ...(entry ?? { kind: ProblemTimelineKind.priority_changed }), message }];
    });
  }

  async transition(actor: Principal, input: TransitionProblemInput): Promise<Problem> {
    return this.mutate(actor, input.id, input.version, "problem.transition", ProblemChangeKind.stage_changed, async (problem, { manager }) => {
      const from = problem.stage;
      const key = formatProblemNumber(problem.number);
      if (TERMINAL_PROBLEM_STAGES.includes(from)) {
        throw new QuellError(ErrorCode.InvalidTransition, `${key} is ${from}; nothing moves out of it.`, { from, to: input.to, allowed: [] });
      }
      const reason = input.reason?.trim() || null;
      const fix = input.fixDescription?.trim() || problem.fixDescription;
      const now = this.options.clock.now();
      let refusal: string | null = null;
      if (input.to === ProblemStage.closed) {
        const recurrences = problem.resolvedAt ? await this.recurrencesSince(manager, problem.id, problem.resolvedAt) : 0;
        refusal = closingRefusal({ resolvedAt: problem.resolvedAt, now, quietPeriodDays: this.options.quietPeriodDays, recurrences, reason });
      }
      const verdict = checkProblemTransition(from, input.to, {
        hasRootCause: !!problem.rootCause?.trim(),
        hasWorkaround: !!problem.workaround?.trim(),
        hasFix: !!fix,
        closingRefusal: refusal,
        hasReason: !!reason,
      });
      if (!verdict.ok) throw new QuellError(ErrorCode.InvalidTransition, verdict.reason, { from, to: input.to, allowed: verdict.allowed });
      problem.stage = input.to;
      if (input.to !== ProblemStage.new) (problem as unknown as Record<string, unknown>)[PROBLEM_STAGE_STAMP[input.to]] = now;
      if (input.to === ProblemStage.resolved) problem.fixDescription = fix;
      if (input.to === ProblemStage.investigating && from === ProblemStage.resolved) problem.resolvedAt = null; // the fix did not hold: the next one gets a fresh quiet period
      if ((input.to === ProblemStage.closed || input.to === ProblemStage.cancelled) && reason) problem.closeReason = reason;
      await manager.insert(ProblemTransition, { problemId: problem.id, fromStage: from, toStage: input.to, at: now, actorId: actor.userId || null, reason });
      return [{ kind: ProblemTimelineKind.stage_changed, message: problemMoveMessage(from, input.to, reason), data: { from, to: input.to } }];
    });
  }

  async recordRootCause(actor: Principal, input: RecordRootCauseInput): Promise<Problem> {
    return this.mutate(actor, input.id, input.version, "problem.root_cause", ProblemChangeKind.analysis_changed, async (problem) => {
      assertProblemOpen(problem);
      const changed: string[] = [];
      if (input.rootCause !== undefined && input.rootCause.trim() !== (problem.rootCause ?? "")) {
        problem.rootCause = input.rootCause.trim() || null;
        changed.push("root cause");
      }
      if (input.contributingFactors) {
        problem.contributingFactors = input.contributingFactors.map((f) => f.trim()).filter(Boolean);
        changed.push("contributing factors");
      }
      if (input.fiveWhys) {
        problem.fiveWhys = input.fiveWhys.map((w) => ({ why: w.why.trim(), because: w.because.trim() }));
        changed.push("5 whys");
      }
      if (changed.length === 0) return [];
      return [{ kind: ProblemTimelineKind.root_cause, message: `Recorded ${changed.join(", ")}`, data: { fields: changed } }];
    });
  }

  async setWorkaround(actor: Principal, input: SetWorkaroundInput): Promise<Problem> {
    return this.mutate(actor, input.id, input.version, "problem.workaround", ProblemChangeKind.analysis_changed, async (problem) => {
      assertProblemOpen(problem);
      problem.workaround = input.workaround.trim();
      problem.workaroundById = actor.userId || null;
      problem.workaroundAt = this.options.clock.now();
      return [{ kind: ProblemTimelineKind.workaround, message: "Workaround recorded" }];
    });
  }

  /**
   * Links incidents in bulk (the version is optional for callers inside the API, such as an
   * accepted suggestion). Incidents already linked here are skipped; one linked to another
   * problem is a CONFLICT naming it, so a link never moves silently.
   */
  async linkIncidents(actor: Principal, input: { problemId: string; version?: number; incidentIds: string[] }, work?: UnitOfWork): Promise<Problem> {
    return this.mutate(actor, input.problemId, input.version, "problem.link_incidents", ProblemChangeKind.incidents_changed, async (problem, w) => {
      const entry = await this.attach(w, problem, actor, input.incidentIds);
      if (!entry) return [];
      const priority = await this.rollUp(w.manager, problem);
      return priority ? [entry, priority] : [entry];
    }, work);
  }

  /** Accepting a `problem` suggestion links its incident to the suggested problem. */
  async linkSuggested(actor: Principal, suggestion: Pick<Suggestion, "value" | "incidentId">, work?: UnitOfWork): Promise<void> {
    if (!suggestion.value) throw badInput("id", "this suggestion names no problem");
    await this.linkIncidents(actor, { problemId: suggestion.value, incidentIds: [suggestion.incidentId] }, work);
  }

  async unlinkIncidents(actor: Principal, input: { problemId: string; version?: number; incidentIds: string[] }, work?: UnitOfWork): Promise<Problem> {
    return this.mutate(actor, input.problemId, input.version, "problem.unlink_incidents", ProblemChangeKind.incidents_changed, async (problem, w) => {
      const links = await w.manager.find(ProblemIncidentLink, { where: { problemId: problem.id, incidentId: In([...new Set(input.incidentIds)]) } });
      if (links.length === 0) return [];
      await w.manager.delete(ProblemIncidentLink, { problemId: problem.id, incidentId: In(links.map((l) => l.incidentId)) });
      const keys = await this.incidentKeys(w.manager, links.map((l) => l.incidentId));
      this.publishIncidentsAfterCommit(w, links.map((l) => l.incidentId), actor);
      const priority = await this.rollUp(w.manager, problem);
      const entry: TimelineInput = { kind: ProblemTimelineKind.incidents_unlinked, message: `Unlinked ${keys.join(", ")}`, data: { incidentIds: links.map((l) => l.incidentId) } };
      return priority ? [entry, priority] : [entry];
    }, work);
  }

  /**
   * Runs inside every incident edit: a duplicate of a linked incident joins the same problem, and
   * a linked incident whose priority or stage changed re-ranks its problem.
   */
  private async followIncident(work: UnitOfWork, { incident, before, action, actor }: IncidentChange): Promise<void> {
    const { manager } = work;
    if (action === "incident.mark_duplicate" && incident.duplicateOfId && !(await this.problemIdOf(incident.id, manager))) {
      const problemId = await this.problemIdOf(incident.duplicateOfId, manager);
      if (problemId) {
        const problem = await lockProblem(manager, problemId);
        if (!TERMINAL_PROBLEM_STAGES.includes(problem.stage)) await this.linkIncidents(actor, { problemId, incidentIds: [incident.id] }, work);
      }
      return;
    }
    if (incident.priority === before.priority && incident.stage === before.stage) return;
    const problemId = await this.problemIdOf(incident.id, manager);
    if (!problemId) return;
    const problem = await lockProblem(manager, problemId);
    const snapshot = { ...problem };
    const entry = await this.rollUp(manager, problem);
    if (!entry) return;
    await manager.save(problem);
    await appendProblemTimeline(manager, problem.id, actor, entry);
    await appendAudit(manager, actor, { action: "problem.priority_rollup", entityType: "problem", entityId: problem.id, before: snapshot, after: problem });
    await publishProblemChange(this.pubsub, work, problem.id, ProblemChangeKind.priority_changed, actor);
  }

  /** Inserts the links; returns the timeline entry, or null when every incident was linked already. */
  private async attach(work: UnitOfWork, problem: Problem, actor: Principal, incidentIds: string[]): Promise<TimelineInput | null> {
    const { manager } = work;
    if (TERMINAL_PROBLEM_STAGES.includes(problem.stage)) {
      throw new QuellError(ErrorCode.PreconditionFailed, `${formatProblemNumber(problem.number)} is ${problem.stage}; incidents can no longer be linked to it.`);
    }
    const ids = [...new Set(incidentIds)];
    const found = await manager.find(Incident, { where: { id: In(ids) }, select: { id: true, number: true } });
    const missing = ids.find((id) => !found.some((i) => i.id === id));
    if (missing) throw notFound("Incident", missing);
    const existing = await manager.find(ProblemIncidentLink, { where: { incidentId: In(ids) } });
    const elsewhere = existing.filter((l) => l.problemId !== problem.id);
    if (elsewhere.length) {
      const others = await manager.find(Problem, { where: { id: In(elsewhere.map((l) => l.problemId)) }, select: { id: true, number: true } });
      const names = elsewhere.map((l) => `${formatIncidentNumber(found.find((i) => i.id === l.incidentId)!.number)} (${formatProblemNumber(others.find((p) => p.id === l.problemId)!.number)})`);
      throw new QuellError(ErrorCode.Conflict, `Already linked to another problem: ${names.join(", ")}. Unlink them there first.`, { incidentIds: elsewhere.map((l) => l.incidentId) });
    }
    const fresh = found.filter((i) => !existing.some((l) => l.incidentId === i.id));
    if (fresh.length === 0) return null;
    const now = this.options.clock.now();
    await manager.insert(ProblemIncidentLink, fresh.map((i) => ({ incidentId: i.id, problemId: problem.id, linkedAt: now, linkedById: actor.userId || null })));
    this.publishIncidentsAfterCommit(work, fresh.map((i) => i.id), actor);
    const keys = fresh.map((i) => formatIncidentNumber(i.number));
    return { kind: ProblemTimelineKind.incidents_linked, message: `Linked ${keys.join(", ")}`, data: { incidentIds: fresh.map((i) => i.id) } };
  }

  /** Recomputes the priority (see rollUpPriority); returns a timeline entry when it changed. */
  private async rollUp(manager: EntityManager, problem: Problem, force = false): Promise<TimelineInput | null> {
    const [matrix, worst] = await Promise.all([
      this.incidents.priorityMatrix(manager),
      manager.query(
        `SELECT i.number, i.priority FROM problem_incident l JOIN incident i ON i.id = l.incident_id
          WHERE l.problem_id = $1 AND i.stage::text <> ALL($2::text[]) ORDER BY i.priority ASC, i.number ASC LIMIT 1`,
        [problem.id, CLOSED_INCIDENT_STAGES],
      ) as Promise<Array<{ number: number; priority: number }>>,
    ]);
    const result = rollUpPriority({
      matrixPriority: priorityFor(matrix, problem.impact, problem.urgency),
      manual: problem.manualPriority !== null && problem.manualPriority !== undefined ? { priority: problem.manualPriority, reason: problem.priorityReason } : null,
      worstOpenIncident: worst[0] ? { key: formatIncidentNumber(worst[0].number), priority: worst[0].priority } : null,
    });
    const changed = result.priority !== problem.priority;
    problem.priority = result.priority;
    problem.prioritySource = result.source;
    problem.priorityReason = result.reason;
    if (!changed && !force) return null;
    return { kind: ProblemTimelineKind.priority_changed, message: `Priority P${result.priority}: ${result.reason}`, data: { priority: result.priority, source: result.source } };
  }

  private async recurrencesSince(manager: EntityManager, problemId: string, since: Date): Promise<number> {
    const [{ n }] = (await manager.query(
      `SELECT count(*)::int AS n FROM problem_incident l JOIN incident i ON i.id = l.incident_id WHERE l.problem_id = $1 AND i.identified_at > $2`,
      [problemId, since],
    )) as Array<{ n: number }>;
    return n;
  }

  /** Lock, check the version (when given), apply, then timeline + audit + event: the shape of every problem edit. */
  private async mutate(
    actor: Principal,
    id: string,
    expectedVersion: number | undefined,
    action: string,
    kind: ProblemChangeKind,
    apply: (problem: Problem, work: UnitOfWork) => Promise<TimelineInput[]>,
    work?: UnitOfWork,
  ): Promise<Problem> {
    return this.run(work, async (w) => {
      const problem = await lockProblem(w.manager, id);
      if (expectedVersion !== undefined && problem.version !== expectedVersion) throw conflict("Problem", id, expectedVersion, problem.version);
      const before = { ...problem };
      const entries = await apply(problem, w);
      if (entries.length === 0) return problem;
      await w.manager.save(problem);
      for (const entry of entries) await appendProblemTimeline(w.manager, problem.id, actor, entry);
      await appendAudit(w.manager, actor, { action, entityType: "problem", entityId: problem.id, before, after: problem });
      await publishProblemChange(this.pubsub, w, problem.id, kind, actor);
      return problem;
    });
  }

  private run<T>(work: UnitOfWork | undefined, fn: (work: UnitOfWork) => Promise<T>): Promise<T> {
    return work ? fn(work) : inTransaction(this.dataSource, fn);
  }

  private async assertOwner(manager: EntityManager, ownerId: string | undefined | null): Promise<void> {
    if (!ownerId) return;
    const owner = await manager.findOne(User, { where: { id: ownerId } });
    if (!owner) throw notFound("User", ownerId);
    if (!OWNER_ROLES.includes(owner.role)) throw badInput("ownerId", `a problem is owned by a problem manager or an admin; ${owner.name} is ${owner.role}`);
  }

  private async findServices(manager: EntityManager, ids: string[]): Promise<Service[]> {
    if (ids.length === 0) return [];
    const services = await manager.find(Service, { where: { id: In(ids) } });
    const missing = ids.find((id) => !services.some((s) => s.id === id));
    if (missing) throw notFound("Service", missing);
    return services;
  }

  private async serviceIdsOf(manager: EntityManager, problemId: string): Promise<string[]> {
    const rows = (await manager.query(`SELECT service_id FROM problem_affected_service WHERE problem_id = $1`, [problemId])) as Array<{ service_id: string }>;
    return rows.map((r) => r.service_id);
  }

  private async incidentKeys(manager: EntityManager, ids: string[]): Promise<string[]> {
    const rows = await manager.find(Incident, { where: { id: In(ids) }, select: { id: true, number: true }, order: { number: "ASC" } });
    return rows.map((r) => formatIncidentNumber(r.number));
  }

  /** Incident pages show their problem: tell them the link changed. */
  private publishIncidentsAfterCommit(work: UnitOfWork, incidentIds: string[], actor: Principal): void {
    work.afterCommit(() => {
      for (const incidentId of incidentIds) {
        const payload: IncidentChangedPayload = { incidentId, kind: IncidentChangeKind.updated, actorId: actor.userId || null };
        this.pubsub.publish(INCIDENT_CHANGED, payload);
      }
    });
  }
}
