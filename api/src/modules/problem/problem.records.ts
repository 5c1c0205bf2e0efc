import type { EntityManager } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import type { UnitOfWork } from "../../platform/database/transaction";
import { ErrorCode, QuellError, notFound } from "../../platform/errors";
import type { QuellPubSub } from "../../platform/pubsub";
import { Problem } from "./problem.entity";
import { TERMINAL_PROBLEM_STAGES } from "./problem.lifecycle";
import { formatProblemNumber } from "./problem.rules";
import { PROBLEM_CHANGED, type ProblemChangeKind, type ProblemChangedPayload } from "./problem.events";
import { ProblemTimelineEntry, type ProblemTimelineKind } from "./problem-work.entity";

/** The steps every problem write shares: lock the row, append to its timeline, announce the change after commit. */
export type TimelineInput = { kind: ProblemTimelineKind; message: string; data?: Record<string, unknown> };

export async function lockProblem(manager: EntityManager, id: string): Promise<Problem> {
  const problem = await manager.findOne(Problem, { where: { id }, lock: { mode: "pessimistic_write" } });
  if (!problem) throw notFound("Problem", id);
  return problem;
}

export function appendProblemTimeline(manager: EntityManager, problemId: string, actor: Principal, entry: TimelineInput): Promise<ProblemTimelineEntry> {
  return manager.save(manager.create(ProblemTimelineEntry, { problemId, kind: entry.kind, message: entry.message, data: entry.data ?? null, actorId: actor.userId || null }));
}

export function publishProblemChange(pubsub: QuellPubSub, work: UnitOfWork, problemId: string, kind: ProblemChangeKind, actor: Principal): Promise<void> {
  const payload: ProblemChangedPayload = { problemId, kind, actorId: actor.userId || null };
  return pubsub.publishWithin(work, PROBLEM_CHANGED, payload);
}

/** Closed and cancelled problems are history: no more edits, tasks or links. */
export function assertProblemOpen(problem: Problem): void {
  if (TERMINAL_PROBLEM_STAGES.includes(problem.stage)) {
    throw new QuellError(ErrorCode.PreconditionFailed, `${formatProblemNumber(problem.number)} is ${problem.stage}; it can no longer be edited.`);
  }
}
