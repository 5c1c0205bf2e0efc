import { ErrorCode, QuellError, conflict } from "../../platform/errors";
import type { Principal } from "../../platform/auth/roles";
import type { TaskBase } from "./task.base";

/** Marks a locked task complete, after the checks every kind of task shares; returns its snapshot before. */
export function completeTaskRow<T extends TaskBase>(task: T, expectedVersion: number, actor: Principal, entity: string, at: Date): T {
  if (task.version !== expectedVersion) throw conflict(entity, task.id, expectedVersion, task.version);
  if (task.completedAt) throw new QuellError(ErrorCode.PreconditionFailed, "This task is already complete.");
  const before = { ...task };
  task.completedAt = at;
  task.completedById = actor.userId || null;
  return before;
}
