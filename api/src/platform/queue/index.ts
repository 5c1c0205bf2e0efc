import type { QuellConfig } from "../config";
import { BullMqJobQueue } from "./bullmq.driver";
import { InProcessJobQueue } from "./in-process.driver";
import type { JobQueue } from "./job-queue";

export * from "./job-queue";
export * from "./queues";
export { BullMqJobQueue, redisConnection } from "./bullmq.driver";
export { InProcessJobQueue } from "./in-process.driver";

/**
 * BullMQ when REDIS_URL is set, else in-process. QUELL_QUEUE_PREFIX separates installations (and
 * test runs) sharing one Redis; QUELL_JOB_LOCK_MS shortens how long a dead worker's job waits.
 */
export function createJobQueue(config: Pick<QuellConfig, "redisUrl">): JobQueue {
  if (!config.redisUrl) return new InProcessJobQueue();
  const lock = Number(process.env.QUELL_JOB_LOCK_MS ?? "");
  return new BullMqJobQueue({
    redisUrl: config.redisUrl,
    prefix: process.env.QUELL_QUEUE_PREFIX || "quell",
    ...(Number.isFinite(lock) && lock > 0 ? { lockDurationMs: lock } : {}),
  });
}
