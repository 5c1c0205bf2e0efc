import { timedProcessor } from "../observability/metrics";
import { Queue, Worker, type ConnectionOptions, type Job } from "bullmq";
import { logger } from "../logger";
import { assertJobId, type EnqueueOptions, type FailedJob, type JobQueue, type Processor } from "./job-queue";
import { ALL_QUEUES, QUEUE_POLICY, type JobPayloads, type QueueName } from "./queues";

const log = logger.child({ component: "bullmq" });

export interface BullMqOptions {
  redisUrl: string;
  /** Key prefix in Redis; tests give each run its own. */
  prefix?: string;
  /** How long enqueue waits for Redis before giving up (the outbox keeps the row). */
  enqueueTimeoutMs?: number;
  /** How long a worker's claim on a job lasts without renewal; a killed worker's job runs again after it. */
  lockDurationMs?: number;
}

export function redisConnection(url: string): { host: string; port: number; username?: string; password?: string; db?: number } {
  const u = new URL(url);
  return {
    host: u.hostname || "127.0.0.1",
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
  };
}

/** How long a worker's close may take once none of its jobs is in hand (its last bookkeeping in Redis). */
const WORKER_CLOSE_GRACE_MS = 5_000;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: Redis did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * BullMQ on Redis. Producers fail fast when Redis is away (no offline queue, a timeout), so the
 * outbox relay keeps the row and tries again; workers reconnect on their own and carry on.
 */
export class BullMqJobQueue implements JobQueue {
  readonly kind = "bullmq" as const;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  /** Jobs being processed now, so close() can wait for them itself (see close). */
  private readonly inHand = new Set<Promise<void>>();
  private readonly prefix: string;
  private readonly producerConnection: ConnectionOptions;
  private readonly workerConnection: ConnectionOptions;

  constructor(private readonly opts: BullMqOptions) {
    this.prefix = opts.prefix ?? "quell";
    // Reconnect soon after Redis returns (BullMQ's default backs off to 20 s).
    const base = { ...redisConnection(opts.redisUrl), retryStrategy: (times: number) => Math.min(250 * times, 3_000) };
    this.producerConnection = { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 };
    this.workerConnection = { ...base, maxRetriesPerRequest: null };
  }

  private queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: this.producerConnection, prefix: this.prefix });
      queue.on("error", (err) => log.warn({ queue: name, err: err.message }, "queue connection error"));
      this.queues.set(name, queue);
    }
    return queue;
  }

  async enqueue<Q extends QueueName>(queue: Q, name: string, payload: JobPayloads[Q], opts: EnqueueOptions = {}): Promise<void> {
    const policy = QUEUE_POLICY[queue];
    assertJobId(opts.jobId);
    await withTimeout(
      this.queue(queue).add(name, payload, {
        jobId: opts.jobId,
        ...(opts.delayMs && opts.delayMs > 0 ? { delay: Math.round(opts.delayMs) } : {}),
        attempts: policy.attempts,
        backoff: { type: "exponential", delay: policy.backoffMs },
        // Completed jobs stay a day so a re-delivered outbox row (same jobId) is recognised.
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 14 * 24 * 3600 },
      }),
      this.opts.enqueueTimeoutMs ?? 3_000,
      `enqueue ${queue}`,
    );
  }

  process<Q extends QueueName>(queue: Q, untimed: Processor<Q>, opts: { concurrency?: number } = {}): void {
    const processor = timedProcessor(queue, untimed);
    const worker = new Worker(
      queue,
      async (job: Job) => {
        const run = processor(job.data as JobPayloads[Q], {
          id: job.id ?? "",
          name: job.name,
          attempt: job.attemptsMade + 1,
          progress: (percent) => job.updateProgress(percent),
        });
        const settled = run.then(
          () => undefined,
          () => undefined,
        );
        this.inHand.add(settled);
        try {
          await run;
        } finally {
          this.inHand.delete(settled);
        }
      },
      {
        connection: this.workerConnection,
        prefix: this.prefix,
        concurrency: opts.concurrency ?? QUEUE_POLICY[queue].concurrency,
        ...(this.opts.lockDurationMs ? { lockDuration: this.opts.lockDurationMs, stalledInterval: this.opts.lockDurationMs } : {}),
      },
    );
    // Without a listener an 'error' event would crash the process; Redis hiccups are logged instead.
    worker.on("error", (err) => log.error({ queue, err: err.message }, "worker error"));
    worker.on("failed", (job, err) =>
      log.warn({ queue, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, "job attempt failed"),
    );
    this.workers.push(worker);
  }

  async repeat<Q extends QueueName>(queue: Q, schedulerId: string, name: string, payload: JobPayloads[Q], everyMs: number): Promise<void> {
    const policy = QUEUE_POLICY[queue];
    await withTimeout(
      this.queue(queue).upsertJobScheduler(schedulerId, { every: everyMs }, {
        name,
        data: payload,
        opts: { attempts: policy.attempts, backoff: { type: "exponential", delay: policy.backoffMs }, removeOnComplete: { count: 100 } },
      }),
      this.opts.enqueueTimeoutMs ?? 3_000,
      `schedule ${queue}`,
    );
  }

  async waitingCount(queue: QueueName): Promise<number> {
    return withTimeout(this.queue(queue).getWaitingCount(), 2_000, `count waiting ${queue}`);
  }

  async failedJobs(queue?: QueueName, limit = 100): Promise<FailedJob[]> {
    const names = queue ? [queue] : ALL_QUEUES;
    const out: FailedJob[] = [];
    for (const name of names) {
      const jobs = await withTimeout(this.queue(name).getFailed(0, limit - 1), 5_000, `list failed ${name}`);
      for (const job of jobs) {
        out.push({
          queue: name,
          id: job.id ?? "",
          name: job.name,
          payload: job.data as Record<string, unknown>,
          attemptsMade: job.attemptsMade,
          failedReason: job.failedReason ?? "",
          failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
          createdAt: new Date(job.timestamp),
        });
      }
    }
    return out.sort((a, b) => (b.failedAt?.getTime() ?? 0) - (a.failedAt?.getTime() ?? 0)).slice(0, limit);
  }

  async retry(queue: QueueName, id: string): Promise<boolean> {
    const job = await this.queue(queue).getJob(id);
    if (!job || !(await job.isFailed())) return false;
    await job.retry("failed", { resetAttemptsMade: true });
    return true;
  }

  /** One round trip to Redis (a queue's job count) through the producer connection, which fails fast. */
  async ping(): Promise<void> {
    await withTimeout(this.queue(ALL_QUEUES[0]).count(), 2_000, "ping");
  }

  private closing: Promise<void> | null = null;

  close(): Promise<void> {
    // The graceful part of SIGTERM: BullMQ's close() stops taking jobs, lets the jobs in hand finish
    // and completes their bookkeeping in Redis. But it first waits for the blocking connection's
    // 'end' event, which never comes when ioredis has parked that client in "reconnecting" after a
    // Redis restart (taskforcesh/bullmq#4656, open in 6.7.0): the close then hangs for ever. So the
    // jobs in hand are awaited here too, and once they are done BullMQ gets WORKER_CLOSE_GRACE_MS to
    // finish; a worker still closing then has its connections dropped (nothing of it is in hand).
    this.closing ??= (async () => {
      const closed = this.workers.map((w) => w.close());
      while (this.inHand.size > 0) await Promise.allSettled([...this.inHand]);
      await Promise.allSettled(
        this.workers.map((w, i) =>
          withTimeout(closed[i], WORKER_CLOSE_GRACE_MS, "worker close").catch(() => withTimeout(w.disconnect(), WORKER_CLOSE_GRACE_MS, "worker disconnect")),
        ),
      );
      await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    })();
    return this.closing;
  }
}
