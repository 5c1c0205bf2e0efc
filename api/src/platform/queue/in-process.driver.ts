import { timedProcessor } from "../observability/metrics";
import { randomUUID } from "node:crypto";
import { logger } from "../logger";
import { UnrecoverableError, assertJobId, backoffDelay, type EnqueueOptions, type FailedJob, type JobQueue, type Processor } from "./job-queue";
import { QUEUE_POLICY, type JobPayloads, type QueueName } from "./queues";

interface LocalJob {
  queue: QueueName;
  id: string;
  name: string;
  payload: Record<string, unknown>;
  attemptsMade: number;
  createdAt: Date;
  failedReason?: string;
  failedAt?: Date;
}

interface Consumer {
  processor: Processor<QueueName>;
  concurrency: number;
  running: number;
  waiting: LocalJob[];
}

const log = logger.child({ component: "in-process-queue" });
/** Ids remembered for dedupe; old ones are forgotten so memory stays bounded. */
const MAX_REMEMBERED_IDS = 50_000;

/**
 * Jobs in this process: the embedded default when there is no Redis. Same processors, same
 * retry policy (exponential backoff, UnrecoverableError fails at once). State is in memory: a job
 * still waiting when the process dies is lost (its outbox row is already marked dispatched), so
 * the embedded mode promises less than Redis does; failed jobs are listed until the process exits.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = "in-process" as const;
  private readonly consumers = new Map<QueueName, Consumer>();
  /** Jobs enqueued before anyone consumes their queue. */
  private readonly parked = new Map<QueueName, LocalJob[]>();
  private readonly known = new Set<string>();
  private readonly failed = new Map<string, LocalJob>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly active = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly opts: { backoffScale?: number } = {}) {}

  async enqueue<Q extends QueueName>(queue: Q, name: string, payload: JobPayloads[Q], opts: EnqueueOptions = {}): Promise<void> {
    if (this.closed) throw new Error("the job queue is closed");
    assertJobId(opts.jobId);
    const id = opts.jobId ?? randomUUID();
    const key = `${queue}:${id}`;
    if (this.known.has(key)) return;
    this.remember(key);
    const job: LocalJob = { queue, id, name, payload: payload as Record<string, unknown>, attemptsMade: 0, createdAt: new Date() };
    if (!opts.delayMs || opts.delayMs <= 0) return this.dispatch(job);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed) this.dispatch(job);
    }, Math.min(opts.delayMs, 2 ** 31 - 1));
    timer.unref();
    this.timers.add(timer);
  }

  process<Q extends QueueName>(queue: Q, processor: Processor<Q>, opts: { concurrency?: number } = {}): void {
    const consumer: Consumer = {
      processor: timedProcessor(queue, processor) as unknown as Processor<QueueName>,
      concurrency: opts.concurrency ?? QUEUE_POLICY[queue].concurrency,
      running: 0,
      waiting: this.parked.get(queue) ?? [],
    };
    this.parked.delete(queue);
    this.consumers.set(queue, consumer);
    this.pump(queue);
  }

  async repeat<Q extends QueueName>(queue: Q, schedulerId: string, name: string, payload: JobPayloads[Q], everyMs: number): Promise<void> {
    const timer = setInterval(() => {
      if (!this.closed) this.enqueue(queue, name, payload, { jobId: `${schedulerId}-${Date.now()}` }).catch(() => undefined);
    }, everyMs);
    timer.unref();
    this.timers.add(timer);
  }

  async waitingCount(queue: QueueName): Promise<number> {
    return (this.consumers.get(queue)?.waiting ?? this.parked.get(queue) ?? []).length;
  }

  async failedJobs(queue?: QueueName, limit = 100): Promise<FailedJob[]> {
    return [...this.failed.values()]
      .filter((j) => !queue || j.queue === queue)
      .sort((a, b) => b.failedAt!.getTime() - a.failedAt!.getTime())
      .slice(0, limit)
      .map((j) => ({
        queue: j.queue,
        id: j.id,
        name: j.name,
        payload: j.payload,
        attemptsMade: j.attemptsMade,
        failedReason: j.failedReason ?? "",
        failedAt: j.failedAt ?? null,
        createdAt: j.createdAt,
      }));
  }

  async retry(queue: QueueName, id: string): Promise<boolean> {
    const key = `${queue}:${id}`;
    const job = this.failed.get(key);
    if (!job) return false;
    this.failed.delete(key);
    this.dispatch({ ...job, attemptsMade: 0, failedReason: undefined, failedAt: undefined });
    return true;
  }

  /** Memory is always there. */
  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.active]);
  }

  private remember(key: string): void {
    this.known.add(key);
    if (this.known.size > MAX_REMEMBERED_IDS) this.known.delete(this.known.values().next().value as string);
  }

  private dispatch(job: LocalJob): void {
    const consumer = this.consumers.get(job.queue);
    if (!consumer) {
      const parked = this.parked.get(job.queue) ?? [];
      parked.push(job);
      this.parked.set(job.queue, parked);
      return;
    }
    consumer.waiting.push(job);
    // Never run inside the caller's stack: the caller may still hold a transaction.
    setImmediate(() => this.pump(job.queue));
  }

  private pump(queue: QueueName): void {
    const consumer = this.consumers.get(queue);
    if (!consumer || this.closed) return;
    while (consumer.running < consumer.concurrency && consumer.waiting.length > 0) {
      const job = consumer.waiting.shift()!;
      consumer.running++;
      const run = this.run(consumer, job).finally(() => {
        consumer.running--;
        this.active.delete(run);
        this.pump(queue);
      });
      this.active.add(run);
    }
  }

  private async run(consumer: Consumer, job: LocalJob): Promise<void> {
    job.attemptsMade++;
    const policy = QUEUE_POLICY[job.queue];
    try {
      await consumer.processor(job.payload as never, { id: job.id, name: job.name, attempt: job.attemptsMade, progress: async () => undefined });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const unrecoverable = error instanceof UnrecoverableError;
      if (!unrecoverable && job.attemptsMade < policy.attempts && !this.closed) {
        const delay = backoffDelay(policy.backoffMs, job.attemptsMade) * (this.opts.backoffScale ?? 1);
        log.warn({ queue: job.queue, jobId: job.id, attempt: job.attemptsMade, delay, err: reason }, "job failed; retrying");
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          consumer.waiting.push(job);
          this.pump(job.queue);
        }, delay);
        timer.unref();
        this.timers.add(timer);
        return;
      }
      log.error({ queue: job.queue, jobId: job.id, attempts: job.attemptsMade, err: reason, unrecoverable }, "job failed");
      this.failed.set(`${job.queue}:${job.id}`, { ...job, failedReason: reason, failedAt: new Date() });
    }
  }
}
