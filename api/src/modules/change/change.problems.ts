import { In, type DataSource, type EntityManager } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import { inTransaction } from "../../platform/database/transaction";
import { conflict, notFound } from "../../platform/errors";
import type { QuellPubSub } from "../../platform/pubsub";
import { logger } from "../../platform/logger";
import { appendAudit } from "../audit/audit.service";
import { Problem } from "../problem/problem.entity";
import { ProblemStage } from "../problem/problem.lifecycle";
import type { ProblemService } from "../problem/problem.service";
import { Change, ChangeProblemLink, ChangeReview, ReviewOutcome } from "./change.entity";
import { CHANGE_CHANGED, ChangeChangeKind, type ChangeChangedPayload } from "./change.events";
import type { LinkChangeProblemsInput } from "./change.inputs";
import { formatChangeNumber } from "./change.rules";

/** Problems a closed fix resolves: those that know their cause and wait for a fix. */
const AWAITING_FIX: readonly ProblemStage[] = [ProblemStage.root_cause_known, ProblemStage.known_error];

/** The problem side of changes: which problems a change fixes, and resolving them when it closes. */
export class ChangeProblems {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: QuellPubSub,
    private readonly problems: ProblemService,
  ) {}

  /** Links inside the caller's transaction (createChange with problemIds). */
  async linkIn(manager: EntityManager, actor: Principal, changeId: string, problemIds: string[]): Promise<number> {
    const wanted = [...new Set(problemIds)];
    if (!wanted.length) return 0;
    const found = await manager.find(Problem, { where: { id: In(wanted) }, select: { id: true } });
    const missing = wanted.find((id) => !found.some((p) => p.id === id));
    if (missing) throw notFound("Problem", missing);
    const existing = await manager.find(ChangeProblemLink, { where: { changeId, problemId: In(wanted) } });
    const fresh = wanted.filter((id) => !existing.some((l) => l.problemId === id));
    if (fresh.length) await manager.insert(ChangeProblemLink, fresh.map((problemId) => ({ changeId, problemId })));
    for (const problemId of fresh) await appendAudit(manager, actor, { action: "change_problem.link", entityType: "change", entityId: changeId, after: { changeId, problemId } });
    return fresh.length;
  }

  link(actor: Principal, input: LinkChangeProblemsInput): Promise<Change> {
    return this.edit(actor, input, (manager, change) => this.linkIn(manager, actor, change.id, input.problemIds));
  }

  unlink(actor: Principal, input: LinkChangeProblemsInput): Promise<Change> {
    return this.edit(actor, input, async (manager, change) => {
      const links = await manager.find(ChangeProblemLink, { where: { changeId: change.id, problemId: In(input.problemIds) } });
      for (const link of links) {
        await manager.delete(ChangeProblemLink, { changeId: link.changeId, problemId: link.problemId });
        await appendAudit(manager, actor, { action: "change_problem.unlink", entityType: "change", entityId: change.id, before: link, after: null });
      }
      return links.length;
    });
  }

  /**
   * A change that closed without failing resolves the problems it fixes that wait for a fix,
   * naming itself as the fix. Each problem moves in its own transaction through the problem
   * service (its rules, audit and events); one that moved meanwhile is left for its manager.
   */
  async resolveFixedProblems(actor: Principal, change: Change): Promise<void> {
    if (change.failedAt || change.rolledBackAt) return;
    const review = await this.dataSource.getRepository(ChangeReview).findOne({ where: { changeId: change.id } });
    if (review?.outcome === ReviewOutcome.unsuccessful) return;
    const links = await this.dataSource.getRepository(ChangeProblemLink).find({ where: { changeId: change.id } });
    if (!links.length) return;
    const problems = await this.dataSource.getRepository(Problem).find({ where: { id: In(links.map((l) => l.problemId)), stage: In([...AWAITING_FIX]) } });
    for (const problem of problems) {
      try {
        await this.problems.transition(actor, {
          id: problem.id,
          version: problem.version,
          to: ProblemStage.resolved,
          fixDescription: `Fixed by ${formatChangeNumber(change.number)}: ${change.title} (closed ${change.closedAt?.toISOString() ?? "now"})`,
        });
      } catch (err) {
        logger.warn({ err, problemId: problem.id, changeId: change.id }, "a closed change could not resolve its problem; its manager resolves it by hand");
      }
    }
  }

  private edit(actor: Principal, input: LinkChangeProblemsInput, apply: (manager: EntityManager, change: Change) => Promise<number>): Promise<Change> {
    return inTransaction(this.dataSource, async (work) => {
      const change = await work.manager.findOne(Change, { where: { id: input.changeId }, lock: { mode: "pessimistic_write" } });
      if (!change) throw notFound("Change", input.changeId);
      if (change.version !== input.version) throw conflict("Change", change.id, input.version, change.version);
      if ((await apply(work.manager, change)) === 0) return change;
      change.updatedAt = new Date(); // the links are part of the change: a new version for readers
      const saved = await work.manager.save(change);
      const payload: ChangeChangedPayload = { changeId: change.id, kind: ChangeChangeKind.linked, actorId: actor.userId || null };
      await this.pubsub.publishWithin(work, CHANGE_CHANGED, payload);
      return saved;
    });
  }
}
