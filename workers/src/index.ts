import type { QuellRuntime } from "@quell/api/app";
import { logger } from "@quell/api/platform/logger";
import { ALL_QUEUES, QueueName, type JobPayloads, type JobQueue, type Processor } from "@quell/api/platform/queue/index";
import { OutboxRelay, type RelayOptions } from "@quell/api/modules/outbox/outbox.relay";
import { completingOutbox } from "@quell/api/modules/outbox/outbox.service";
import { processorFor } from "./processors";
import "./processors/all";

const log = logger.child({ component: "workers" });

export const DAILY_MS = 24 * 3600_000;
/** Incremental grouping drifts a little (an incident joins the best group at the time); a rebuild every 6 h corrects it. */
export const RECURRENCE_REBUILD_MS = 6 * 3600_000;
/** The SLA safety-net sweep: delayed per-incident timers do the work, this catches what they missed. */
export const SLA_SWEEP_MS = 60_000;

/** A repeatable job: registered once per Redis (BullMQ job scheduler) or as a timer in-process (JobQueue.repeat). */
interface Schedule<Q extends QueueName = QueueName> {
  id: ScheduleId;
  queue: Q;
  name: string;
  payload: JobPayloads[Q];
  everyMs: (runtime: QuellRuntime) => number;
  /** What it is, for the warning when it cannot be registered. */
  what: string;
}
export type ScheduleId = "sla-sweep" | "alert-event-sweep" | "retrain-daily" | "recurrence-rebuild";

const schedule = <Q extends QueueName>(s: Schedule<Q>): Schedule => s as unknown as Schedule;
export const SCHEDULES: readonly Schedule[] = [
  schedule({ id: "sla-sweep", queue: QueueName.Sla, name: "sweep", payload: { incidentId: null }, everyMs: () => SLA_SWEEP_MS, what: "the SLA sweep" }),
  // Retries the alert events correlation put off once their time comes, even when no new event starts a drain.
  schedule({ id: "alert-event-sweep", queue: QueueName.Alerts, name: "sweep", payload: { eventId: null, incidentId: null }, everyMs: (r) => r.config.alertEventSweepMs, what: "the alert event sweep" }),
  schedule({ id: "retrain-daily", queue: QueueName.Retrain, name: "retrain", payload: { requestedBy: null, trigger: "schedule" }, everyMs: () => DAILY_MS, what: "the daily retrain" }),
  schedule({ id: "recurrence-rebuild", queue: QueueName.Recurrence, name: "rebuild", payload: { mode: "rebuild", incidentId: null }, everyMs: () => RECURRENCE_REBUILD_MS, what: "the recurrence rebuild" }),
];

export interface WorkerOptions {
  /** Queues to consume (default: all). */
  queues?: readonly QueueName[];
  /** Run an outbox relay in this process (default true; several relays may share a database). */
  relay?: boolean | RelayOptions;
  /**
   * Register the repeatable jobs, e.g. the daily retrain (default true; registered once per Redis),
   * and queue a first training when no model is active yet (how `npm start` trains its first models).
   * A list registers only those schedules, and trains nothing (tests).
   */
  schedules?: boolean | readonly ScheduleId[];
  /** Replace processors (tests). */
  processors?: { [Q in QueueName]?: Processor<Q> };
  /** Per-queue concurrency override. */
  concurrency?: { [Q in QueueName]?: number };
}

/** No active model and no run under way: queue one now instead of waiting a day for the schedule. */
async function trainFirstModels(runtime: QuellRuntime): Promise<void> {
  const { models } = runtime.services;
  if ((await models.activeModels()).length > 0) return;
  try {
    const run = await models.requestRetrain(null, "schedule");
    log.info({ runId: run.id }, "no active models: queued a first training");
  } catch (err) {
    // A run is already queued or running (perhaps from another worker process).
    log.info({ err: err instanceof Error ? err.message : err }, "first training not queued");
  }
}

export interface RunningWorkers {
  jobs: JobQueue;
  relay: OutboxRelay | null;
  /** Stops the relay, lets running jobs finish, closes the queue connections. */
  close(): Promise<void>;
}

/**
 * Starts the processors (and by default an outbox relay and the schedules) on the runtime's job
 * queue: BullMQ when REDIS_URL is set, else in-process. The API's `main` calls this in embedded
 * mode; `workers/src/main.ts` calls it standalone.
 */
export async function startWorkers(runtime: QuellRuntime, options: WorkerOptions = {}): Promise<RunningWorkers> {
  const jobs = runtime.services.jobs;
  for (const queue of options.queues ?? ALL_QUEUES) {
    const processor = options.processors?.[queue] ?? processorFor(queue)?.(runtime);
    if (!processor) {
      log.warn({ queue }, "no processor for queue; not consuming it");
      continue;
    }
    // A job's success marks its outbox row done; rows not done in time are handed over again.
    jobs.process(queue, completingOutbox(runtime.dataSource, processor as Processor<typeof queue>), { concurrency: options.concurrency?.[queue] });
  }
  let relay: OutboxRelay | null = null;
  if (options.relay !== false) {
    relay = new OutboxRelay(runtime.dataSource, jobs, typeof options.relay === "object" ? options.relay : {});
    if (jobs.kind === "in-process") {
      // In-process jobs live in memory: whatever the last process handed over but never finished
      // died with it. Hand it over again now rather than after the usual wait.
      const again = await relay.redeliverOverdue(0);
      if (again) log.info({ rows: again }, "handed over again the jobs the previous process did not finish");
    }
    relay.start();
  }
  // Whatever fell due while no worker ran is recorded now, not at the next sweep.
  if ((options.queues ?? ALL_QUEUES).includes(QueueName.Sla)) {
    await jobs
      .enqueue(QueueName.Sla, "sweep", { incidentId: null }, { jobId: `sla-sweep-start-${Date.now()}` })
      .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : err }, "could not queue the start-up SLA sweep"));
  }
  if (options.schedules !== false) {
    const only = Array.isArray(options.schedules) ? (options.schedules as readonly ScheduleId[]) : null;
    const wanted = only ? SCHEDULES.filter((s) => only.includes(s.id)) : SCHEDULES;
    for (const s of wanted) {
      await jobs
        .repeat(s.queue, s.id, s.name, s.payload, s.everyMs(runtime))
        .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : err }, `could not register ${s.what}`));
    }
    if (!only) await trainFirstModels(runtime);
  }
  log.info({ mode: jobs.kind, queues: options.queues ?? ALL_QUEUES, relay: !!relay }, "workers started");
  let closing: Promise<void> | null = null;
  return {
    jobs,
    relay,
    close() {
      closing ??= (async () => {
        await relay?.stop();
        await jobs.close();
        log.info("workers stopped");
      })();
      return closing;
    },
  };
}
