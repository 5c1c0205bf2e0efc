import type { ClusterEvidence } from "@quell/ml";
import type { DataSource, EntityManager } from "typeorm";
import { In } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import type { Clock } from "../../platform/clock";
import { inTransaction, type UnitOfWork } from "../../platform/database/transaction";
import { ErrorCode, QuellError, conflict, notFound } from "../../platform/errors";
import { decodeCursor, isTimestamp } from "../../platform/graphql/connection";
import type { QuellPubSub } from "../../platform/pubsub";
import { appendAudit, SYSTEM_ACTOR } from "../audit/audit.service";
import { CandidateStatus, ProblemCandidate } from "./problem-candidate.entity";
import { CandidateChangeKind, PROBLEM_CANDIDATE_CHANGED, type CandidateChangedPayload } from "./problem-candidate.events";
import type { AcceptProblemCandidateInput, DismissProblemCandidateInput, MergeProblemCandidateInput } from "./problem-candidate.inputs";
import type { Problem } from "./problem.entity";
import type { ProblemService } from "./problem.service";
import { goneReason, matchCandidate, reconcileGroup, type FoundGroup, type StoredCandidate } from "./recurrence.rules";

export interface RecurrenceServiceOptions {
  /** A group needs at least this many incidents without a problem to become a candidate. */
  minIncidents: number;
  clock: Clock;
}

/** A group from the recurrence pass: its incidents (with when they were opened), oldest first. */
export interface RecurrenceGroup {
  key: string;
  members: ReadonlyArray<{ id: string; createdAt: Date }>;
}

export type EvidenceOf = (key: string, incidentIds: readonly string[]) => ClusterEvidence;

export interface ReconcileCounts {
  created: number;
  updated: number;
  reopened: number;
  gone: number;
}

/**
 * Problem candidates: stores what the recurrence pass finds (reconcile) and the problem manager's
 * decisions on them. Accepting creates a problem and merging links to one, both through
 * ProblemService in the same transaction; every decision and every change the job makes is audited.
 */
export class RecurrenceService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: QuellPubSub,
    private readonly problems: ProblemService,
    readonly options: RecurrenceServiceOptions,
  ) {}

  async getById(id: string): Promise<ProblemCandidate> {
    const candidate = await this.dataSource.getRepository(ProblemCandidate).findOne({ where: { id } });
    if (!candidate) throw notFound("ProblemCandidate", id);
    return candidate;
  }

  /**
   * A page of candidates with these statuses, most recent activity first (keyset on last incident
   * time and id). Open ones whose incidents were linked to problems since the last pass (fewer than
   * N left without one) are not shown: the next pass marks them gone.
   */
  async list(statuses: readonly CandidateStatus[], first: number, after?: string): Promise<{ rows: ProblemCandidate[]; hasNextPage: boolean; totalCount: number }> {
    const base = this.dataSource
      .getRepository(ProblemCandidate)
      .createQueryBuilder("c")
      .where("c.status IN (:...statuses)", { statuses })
      .andWhere(
        `(c.status <> 'open' OR (SELECT count(*) FROM jsonb_array_elements_text(c.incident_ids) x
           WHERE NOT EXISTS (SELECT 1 FROM problem_incident l WHERE l.incident_id = x::uuid)) >= :min)`,
        { min: this.options.minIncidents },
      );
    const totalCount = await base.clone().getCount();
    const page = base.clone().orderBy("c.last_at", "DESC").addOrderBy("c.id", "ASC").limit(first + 1);
    if (after) {
      const [lastAt, id] = decodeCursor(after, "after", isTimestamp);
      page.andWhere("(c.last_at < :lastAt OR (c.last_at = :lastAt AND c.id > :id))", { lastAt: new Date(lastAt as string), id });
    }
    const rows = await page.getMany();
    return { rows: rows.slice(0, first), hasNextPage: rows.length > first, totalCount };
  }

  async accept(actor: Principal, input: AcceptProblemCandidateInput): Promise<Problem> {
    return this.decide(actor, input.id, input.version, "problem_candidate.accept", async (candidate, free, work) => {
      const problem = await this.problems.createFromIncidents(actor, { incidentIds: free, title: input.title }, work);
      candidate.status = CandidateStatus.accepted;
      candidate.problemId = problem.id;
      return problem;
    });
  }

  async merge(actor: Principal, input: MergeProblemCandidateInput): Promise<Problem> {
    return this.decide(actor, input.id, input.version, "problem_candidate.merge", async (candidate, free, work) => {
      const problem = await this.problems.linkIncidents(actor, { problemId: input.problemId, incidentIds: free }, work);
      candidate.status = CandidateStatus.merged;
      candidate.problemId = problem.id;
      return problem;
    });
  }

  async dismiss(actor: Principal, input: DismissProblemCandidateInput): Promise<ProblemCandidate> {
    return this.decide(actor, input.id, input.version, "problem_candidate.dismiss", async (candidate) => {
      candidate.status = CandidateStatus.dismissed;
      candidate.dismissedIncidentIds = [...candidate.incidentIds];
      candidate.note = input.reason?.trim() || null;
      return candidate;
    });
  }

  /**
   * Brings the stored candidates in line with groups from the recurrence pass. `full`: the groups
   * are every group there is (a rebuild), so open candidates that match none of them go.
   */
  async reconcile(groups: readonly RecurrenceGroup[], evidenceOf: EvidenceOf, full: boolean): Promise<ReconcileCounts> {
    const counts: ReconcileCounts = { created: 0, updated: 0, reopened: 0, gone: 0 };
    const live = await this.dataSource.getRepository(ProblemCandidate).find({ where: { status: In([CandidateStatus.open, CandidateStatus.dismissed]) } });
    // A rebuild passes every group, most of them single incidents (100k at 100k incidents). One too
    // small to be a candidate that shares neither key nor incident with a stored one matches none
    // and leads to "none": skip those before the per-group work and the lookup of links.
    const liveKeys = new Set(live.map((c) => c.groupKey));
    const liveIncidents = new Set(live.flatMap((c) => [...c.incidentIds, ...c.dismissedIncidentIds]));
    const relevant = groups.filter((g) => g.members.length >= this.options.minIncidents || liveKeys.has(g.key) || g.members.some((m) => liveIncidents.has(m.id)));
    const linked = await this.linkedAmong(relevant.flatMap((g) => g.members.map((m) => m.id)));
    const matched = new Set<string>();
    for (const g of relevant) {
      const found: FoundGroup = { key: g.key, members: g.members.filter((m) => !linked.has(m.id)) };
      const match = matchCandidate(found, live.filter((c) => !matched.has(c.id)));
      if (match) matched.add(match.id);
      const decision = reconcileGroup(found, match, this.options.minIncidents);
      const ids = found.members.map((m) => m.id);
      if (decision.action === "create") {
        const created = await this.store(null, g.key, ids, evidenceOf, CandidateStatus.open, null, "problem_candidate.create", CandidateChangeKind.created);
        live.push(created);
        matched.add(created.id);
        counts.created++;
      } else if (decision.action === "update") {
        await this.store(decision.candidateId, g.key, ids, evidenceOf, CandidateStatus.open, null, "problem_candidate.update", CandidateChangeKind.updated);
        counts.updated++;
      } else if (decision.action === "reopen") {
        const note = `came back: ${decision.newIncidentIds.length} new incident(s) since it was dismissed`;
        await this.store(decision.candidateId, g.key, ids, evidenceOf, CandidateStatus.open, note, "problem_candidate.reopen", CandidateChangeKind.created);
        counts.reopened++;
      } else if (decision.action === "gone") {
        await this.markGone(decision.candidateId, decision.reason);
        counts.gone++;
      }
    }
    if (full) {
      for (const c of live) {
        if (c.status !== CandidateStatus.open || matched.has(c.id)) continue;
        await this.markGone(c.id, "its incidents no longer group together");
        counts.gone++;
      }
    }
    return counts;
  }

  /** Open candidates whose incidents were linked to problems since the last pass go now. */
  async dropLinkedAway(): Promise<number> {
    const open = await this.dataSource.getRepository(ProblemCandidate).find({ where: { status: CandidateStatus.open } });
    const linked = await this.linkedAmong(open.flatMap((c) => c.incidentIds));
    let gone = 0;
    for (const c of open) {
      const left = c.incidentIds.filter((id) => !linked.has(id)).length;
      if (left >= this.options.minIncidents) continue;
      await this.markGone(c.id, goneReason(left, this.options.minIncidents));
      gone++;
    }
    return gone;
  }

  /** Inside a transaction pass its manager: embedded PGlite has one connection, held by the transaction. */
  private async linkedAmong(incidentIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<Set<string>> {
    if (incidentIds.length === 0) return new Set();
    // One array parameter, not one per id: PostgreSQL allows 65,535 bind parameters per statement.
    const rows = (await manager.query(`SELECT incident_id FROM problem_incident WHERE incident_id = ANY($1::uuid[])`, [[...new Set(incidentIds)]])) as Array<{ incident_id: string }>;
    return new Set(rows.map((r) => r.incident_id));
  }

  /** Creates or rewrites a candidate with fresh evidence, audited as the system. */
  private async store(
    id: string | null,
    key: string,
    incidentIds: readonly string[],
    evidenceOf: EvidenceOf,
    status: CandidateStatus,
    note: string | null,
    action: string,
    kind: CandidateChangeKind,
  ): Promise<ProblemCandidate> {
    const e = evidenceOf(key, incidentIds);
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const existing = id ? await this.lock(manager, id) : null;
      // A decision taken while the pass ran wins: only open (or, to reopen, dismissed) rows change.
      if (existing && existing.status !== CandidateStatus.open && existing.status !== CandidateStatus.dismissed) return existing;
      const before = existing ? { ...existing } : null;
      const candidate = existing ?? manager.create(ProblemCandidate, { dismissedIncidentIds: [], problemId: null, decidedById: null, decidedAt: null });
      Object.assign(candidate, {
        status,
        groupKey: key,
        incidentIds: e.incidentIds,
        size: e.incidentIds.length,
        firstAt: e.firstAt ?? this.options.clock.now(),
        lastAt: e.lastAt ?? this.options.clock.now(),
        services: e.services,
        teams: e.teams,
        topTerms: e.topTerms,
        cohesion: e.cohesion,
        perWeek: e.perWeek,
        openHours: e.openHours,
        note: note ?? candidate.note ?? null,
      });
      await manager.save(candidate);
      await appendAudit(manager, SYSTEM_ACTOR, { action, entityType: "problem_candidate", entityId: candidate.id, before, after: candidate });
      this.publishAfterCommit(work, candidate.id, kind, SYSTEM_ACTOR);
      return candidate;
    });
  }

  private async markGone(id: string, reason: string): Promise<void> {
    await inTransaction(this.dataSource, async (work) => {
      const candidate = await this.lock(work.manager, id);
      if (candidate.status !== CandidateStatus.open) return;
      const before = { ...candidate };
      candidate.status = CandidateStatus.gone;
      candidate.note = reason;
      await work.manager.save(candidate);
      await appendAudit(work.manager, SYSTEM_ACTOR, { action: "problem_candidate.gone", entityType: "problem_candidate", entityId: id, before, after: candidate });
      this.publishAfterCommit(work, id, CandidateChangeKind.gone, SYSTEM_ACTOR);
    });
  }

  /** Lock, check version and that it is open, apply the decision, stamp, audit, publish. */
  private async decide<T>(
    actor: Principal,
    id: string,
    version: number,
    action: string,
    apply: (candidate: ProblemCandidate, freeIncidentIds: string[], work: UnitOfWork) => Promise<T>,
  ): Promise<T> {
    return inTransaction(this.dataSource, async (work) => {
      const candidate = await this.lock(work.manager, id);
      if (candidate.version !== version) throw conflict("ProblemCandidate", id, version, candidate.version);
      if (candidate.status !== CandidateStatus.open) {
        throw new QuellError(ErrorCode.PreconditionFailed, `This candidate is ${candidate.status}; only open candidates can be decided.`, { status: candidate.status });
      }
      const linked = await this.linkedAmong(candidate.incidentIds, work.manager);
      const free = candidate.incidentIds.filter((i) => !linked.has(i));
      if (free.length === 0) throw new QuellError(ErrorCode.PreconditionFailed, "All of this candidate's incidents were linked to problems meanwhile.");
      const before = { ...candidate };
      const result = await apply(candidate, free, work);
      candidate.decidedById = actor.userId || null;
      candidate.decidedAt = this.options.clock.now();
      await work.manager.save(candidate);
      await appendAudit(work.manager, actor, { action, entityType: "problem_candidate", entityId: id, before, after: candidate });
      this.publishAfterCommit(work, id, CandidateChangeKind.decided, actor);
      return result;
    });
  }

  private async lock(manager: EntityManager, id: string): Promise<ProblemCandidate> {
    const candidate = await manager.findOne(ProblemCandidate, { where: { id }, lock: { mode: "pessimistic_write" } });
    if (!candidate) throw notFound("ProblemCandidate", id);
    return candidate;
  }

  private publishAfterCommit(work: UnitOfWork, candidateId: string, kind: CandidateChangeKind, actor: Principal): void {
    const payload: CandidateChangedPayload = { candidateId, kind, actorId: actor.userId || null };
    work.afterCommit(() => this.pubsub.publish(PROBLEM_CANDIDATE_CHANGED, payload));
  }
}
