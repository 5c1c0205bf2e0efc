import type { DataSource, EntityManager } from "typeorm";
import type { Processor } from "../../platform/queue/job-queue";
import type { QueueName } from "../../platform/queue/queues";
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

/** Records many jobs inside the caller's transaction in one INSERT (an SLA policy edit can raise one per open incident). */
export async function enqueueManyInTransaction(
  manager: EntityManager,
  jobs: ReadonlyArray<{ queue: string; jobName: string; payload: Record<string, string | number | boolean | null> }>,
): Promise<void> {
  if (!jobs.length) return;
  await manager.query(`INSERT INTO outbox (queue, job_name, payload) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::jsonb[])`, [
    jobs.map((j) => j.queue),
    jobs.map((j) => j.jobName),
    jobs.map((j) => JSON.stringify(j.payload)),
  ]);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Marks the outbox row behind a job done; jobs not from the outbox (schedules) have no row. */
export async function markOutboxCompleted(dataSource: DataSource, jobId: string): Promise<void> {
  if (!UUID.test(jobId)) return;
  await dataSource.query(`UPDATE outbox SET completed_at = now(), last_error = NULL WHERE id = $1::uuid AND completed_at IS NULL`, [jobId]);
}

/**
 * A processor whose success also marks its outbox row done, so delivery can be verified: a row
 * not completed in time is handed over again (OutboxRelay.redeliverOverdue). If marking fails
 * the job fails and is retried; jobs are idempotent, so running one twice is harmless.
 */
export function completingOutbox<Q extends QueueName>(dataSource: DataSource, processor: Processor<Q>): Processor<Q> {
  return async (payload, job) => {
    await processor(payload, job);
    await markOutboxCompleted(dataSource, job.id);
  };
}
