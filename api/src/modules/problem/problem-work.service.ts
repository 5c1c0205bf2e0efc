import type { DataSource } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import type { Clock } from "../../platform/clock";
import { inTransaction } from "../../platform/database/transaction";
import { notFound } from "../../platform/errors";
import type { QuellPubSub } from "../../platform/pubsub";
import { appendAudit } from "../audit/audit.service";
import { completeTaskRow } from "../record/task.rules";
import { User } from "../user/user.entity";
import { ProblemChangeKind } from "./problem.events";
import type { AddProblemNoteInput, AddProblemTaskInput, CompleteProblemTaskInput } from "./problem.inputs";
import { appendProblemTimeline, assertProblemOpen, lockProblem, publishProblemChange } from "./problem.records";
import { ProblemTask, ProblemTimelineEntry, ProblemTimelineKind } from "./problem-work.entity";

/** Notes and tasks on a problem: the working record around the analysis. */
export class ProblemWorkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly pubsub: QuellPubSub,
    private readonly options: { clock: Clock },
  ) {}

  async addNote(actor: Principal, input: AddProblemNoteInput): Promise<ProblemTimelineEntry> {
    return inTransaction(this.dataSource, async (work) => {
      const problem = await lockProblem(work.manager, input.problemId);
      const entry = await appendProblemTimeline(work.manager, problem.id, actor, { kind: ProblemTimelineKind.note, message: input.message });
      await appendAudit(work.manager, actor, { action: "problem.note", entityType: "problem_timeline_entry", entityId: entry.id, after: entry });
      await publishProblemChange(this.pubsub, work, problem.id, ProblemChangeKind.timeline_appended, actor);
      return entry;
    });
  }

  async addTask(actor: Principal, input: AddProblemTaskInput): Promise<ProblemTask> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const problem = await lockProblem(manager, input.problemId);
      assertProblemOpen(problem);
      if (!(await manager.exists(User, { where: { id: input.ownerId } }))) throw notFound("User", input.ownerId);
      const task = await manager.save(manager.create(ProblemTask, { problemId: problem.id, title: input.title.trim(), ownerId: input.ownerId, dueAt: input.dueAt }));
      await appendProblemTimeline(manager, problem.id, actor, { kind: ProblemTimelineKind.task_added, message: `Task added: ${task.title}`, data: { taskId: task.id } });
      await appendAudit(manager, actor, { action: "problem_task.create", entityType: "problem_task", entityId: task.id, after: task });
      await publishProblemChange(this.pubsub, work, problem.id, ProblemChangeKind.task_changed, actor);
      return task;
    });
  }

  async completeTask(actor: Principal, input: CompleteProblemTaskInput): Promise<ProblemTask> {
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      const task = await manager.findOne(ProblemTask, { where: { id: input.taskId }, lock: { mode: "pessimistic_write" } });
      if (!task) throw notFound("ProblemTask", input.taskId);
      const before = completeTaskRow(task, input.version, actor, "ProblemTask", this.options.clock.now());
      await manager.save(task);
      await appendProblemTimeline(manager, task.problemId, actor, { kind: ProblemTimelineKind.task_completed, message: `Task completed: ${task.title}`, data: { taskId: task.id } });
      await appendAudit(manager, actor, { action: "problem_task.complete", entityType: "problem_task", entityId: task.id, before, after: task });
      await publishProblemChange(this.pubsub, work, task.problemId, ProblemChangeKind.task_changed, actor);
      return task;
    });
  }
}
