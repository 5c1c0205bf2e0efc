import type { EntityManager } from "typeorm";
import { OutboxMessage } from "./outbox.entity";

/** Records a job inside the caller's transaction; the relay delivers it after commit. */
export async function enqueueInTransaction(
  manager: EntityManager,
  queue: string,
  jobName: string,
  payload: Record<string, string | number | boolean | null>,
): Promise<OutboxMessage> {
  const message = manager.create(OutboxMessage, { queue, jobName, payload });
  return manager.save(OutboxMessage, message);
}
