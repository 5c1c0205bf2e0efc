#!/usr/bin/env node
import "reflect-metadata";
import { startRuntime } from "@quell/api/app";
import { exitOnStartupFailure } from "@quell/api/main";
import { loadConfig } from "@quell/api/platform/config";
import { logger } from "@quell/api/platform/logger";
import { isQueueName, type QueueName } from "@quell/api/platform/queue/index";
import { startWorkers } from "./index";

/**
 * `npm run workers`: the job processors as their own process. With REDIS_URL any number of these
 * share the queues (and the outbox); without it the jobs run in-process here. Flags:
 * `--queues triage,retrain` consume only those, `--no-relay`, `--no-schedules`.
 * SIGTERM/SIGINT: stop taking jobs, finish the ones in hand, close, exit 0.
 */
async function main(argv: string[]): Promise<void> {
  const config = loadConfig();
  const queuesAt = argv.indexOf("--queues");
  let queues: QueueName[] | undefined;
  if (queuesAt >= 0) {
    const names = (argv[queuesAt + 1] ?? "").split(",").filter(Boolean);
    const bad = names.filter((n) => !isQueueName(n));
    if (bad.length || names.length === 0) throw new Error(`--queues takes a comma-separated list of queues; unknown: ${bad.join(", ") || "(none given)"}`);
    queues = names as QueueName[];
  }
  if (!config.redisUrl) logger.warn("REDIS_URL is not set: jobs run in this process only (embedded mode)");
  const runtime = await startRuntime(config);
  const workers = await startWorkers(runtime, { queues, relay: !argv.includes("--no-relay"), schedules: !argv.includes("--no-schedules") });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping workers: finishing the jobs in hand");
    const force = setTimeout(() => {
      logger.error("jobs did not finish within 60 s; exiting anyway (they will run again elsewhere)");
      process.exit(1);
    }, 60_000);
    force.unref();
    await workers.close();
    await runtime.close();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  process.send?.({ ready: true });
}

main(process.argv.slice(2)).catch(exitOnStartupFailure);
