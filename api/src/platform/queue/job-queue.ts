import { UnrecoverableError } from "bullmq";
import type { JobPayloads, QueueName } from "./queues";

/**
 * Thrown by a processor when retrying cannot help (the data is bad, the record is gone):
 * the job fails at once instead of using up its attempts. Both drivers honour it.
 */
export { UnrecoverableError };

export interface JobInfo {
  id: string;
  name: string;
  /** 1 on the first try. */
  attempt: number;
  /** Reports progress (0-100) where the driver can show it. */
  progress(percent: number): Promise<void>;
}

export type Processor<Q extends QueueName> = (payload: JobPayloads[Q], job: JobInfo) => Promise<void>;

/**
 * BullMQ refuses a custom job id with a ':' (its key separator) and throws at enqueue. Both drivers
 * check ids with this one rule, so the embedded driver (and its tests) fail the same way Redis would.
 */
export function assertJobId(jobId: string | undefined): void {
  if (jobId !== undefined && jobId.includes(":")) throw new Error(`job id "${jobId}" contains ':', which BullMQ refuses`);
}

export interface EnqueueOptions {
  /** Dedupe key: a second job with the same id is ignored while the first is known (the outbox row id). */
  jobId?: string;
  /** Run no sooner than this many ms from now (a timer that is re-armed by enqueueing a new job id). */
  delayMs?: number;
}

export interface FailedJob {
  queue: QueueName;
  id: string;
  name: string;
  payload: Record<string, unknown>;
  attemptsMade: number;
  failedReason: string;
  failedAt: Date | null;
  createdAt: Date;
}

/**
 * Where jobs go. The BullMQ driver (REDIS_URL set) shares work between any number of worker
 * processes; the in-process driver runs the same processors in this process (embedded default).
 */
export interface JobQueue {
  readonly kind: "bullmq" | "in-process";
  enqueue<Q extends QueueName>(queue: Q, name: string, payload: JobPayloads[Q], opts?: EnqueueOptions): Promise<void>;
  /** Starts consuming a queue in this process. */
  process<Q extends QueueName>(queue: Q, processor: Processor<Q>, opts?: { concurrency?: number }): void;
  /** A job that repeats every `everyMs`, registered once however many processes ask. */
  repeat<Q extends QueueName>(queue: Q, schedulerId: string, name: string, payload: JobPayloads[Q], everyMs: number): Promise<void>;
  failedJobs(queue?: QueueName, limit?: number): Promise<FailedJob[]>;
  /** Jobs waiting to start in a queue (the metrics' queue depth). */
  waitingCount(queue: QueueName): Promise<number>;
  /** Puts a failed job back to run again; false when there is no such failed job. */
  retry(queue: QueueName, id: string): Promise<boolean>;
  /** Resolves when the queue's backing store answers (Redis PING); rejects when it does not. */
  ping(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, closes connections. */
  close(): Promise<void>;
}

/** Exponential backoff: base, 2·base, 4·base... */
export function backoffDelay(baseMs: number, attemptsMade: number): number {
  return baseMs * 2 ** Math.max(0, attemptsMade - 1);
}
