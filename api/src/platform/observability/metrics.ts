import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { DataSource } from "typeorm";
import type { JobQueue } from "../queue/job-queue";
import { QueueName } from "../queue/queues";

/**
 * Prometheus metrics of this process (prom-client: the client the Prometheus project points Node
 * users to; it does the exposition format, histograms and process metrics so we don't).
 * Recorders are module-level so any layer can observe without threading a registry through;
 * gauges that need a query (queue depth, outbox lag, pool use) are read at scrape time.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "quell_" });

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const graphqlDuration = new Histogram({
  name: "quell_graphql_request_duration_seconds",
  help: "GraphQL operations by operation name (anonymous when unnamed), from request to response.",
  labelNames: ["operation"],
  buckets: SECONDS_BUCKETS,
  registers: [metricsRegistry],
});

export const graphqlErrors = new Counter({
  name: "quell_graphql_errors_total",
  help: "Errors returned to GraphQL clients, by error code (BAD_USER_INPUT, FORBIDDEN, INTERNAL_SERVER_ERROR...).",
  labelNames: ["code"],
  registers: [metricsRegistry],
});

export const jobDuration = new Histogram({
  name: "quell_job_duration_seconds",
  help: "Job attempts run by this process, by queue and outcome (ok or failed).",
  labelNames: ["queue", "outcome"],
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800],
  registers: [metricsRegistry],
});

export const jobFailures = new Counter({
  name: "quell_job_failures_total",
  help: "Failed job attempts run by this process, by queue (a retried job counts each failed attempt).",
  labelNames: ["queue"],
  registers: [metricsRegistry],
});

export const modelInference = new Histogram({
  name: "quell_model_inference_seconds",
  help: "Time to run a triage model on one incident, by model kind.",
  labelNames: ["kind"],
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

/** Wraps a job processor so every attempt is timed and every failure counted. */
export function timedProcessor<A extends unknown[]>(queue: string, processor: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const end = jobDuration.startTimer({ queue });
    try {
      await processor(...args);
      end({ outcome: "ok" });
    } catch (err) {
      end({ outcome: "failed" });
      jobFailures.inc({ queue });
      throw err;
    }
  };
}

interface PgPoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

/** Gauges read at scrape time from the process's database pool, job queue and outbox table. */
export function registerRuntimeGauges(dataSource: DataSource, jobs: JobQueue): void {
  for (const name of ["quell_queue_waiting_jobs", "quell_outbox_lag_seconds", "quell_outbox_pending_messages", "quell_db_pool_connections"]) metricsRegistry.removeSingleMetric(name);
  new Gauge({
    name: "quell_queue_waiting_jobs",
    help: "Jobs waiting (not yet started) by queue; shared through Redis, so every replica reports the same.",
    labelNames: ["queue"],
    registers: [metricsRegistry],
    async collect() {
      for (const queue of Object.values(QueueName)) {
        const waiting = await jobs.waitingCount(queue).catch(() => undefined);
        if (waiting !== undefined) this.set({ queue }, waiting);
      }
    },
  });
  const pending = new Gauge({ name: "quell_outbox_pending_messages", help: "Outbox rows not yet handed to the job queue.", registers: [metricsRegistry] });
  new Gauge({
    name: "quell_outbox_lag_seconds",
    help: "Age of the oldest outbox row not yet handed to the job queue (0 when none wait).",
    registers: [metricsRegistry],
    async collect() {
      const [row] = (await dataSource
        .query("SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float AS lag FROM outbox WHERE dispatched_at IS NULL")
        .catch(() => [])) as Array<{ n: number; lag: number }>;
      if (!row) return;
      this.set(row.lag);
      pending.set(row.n);
    },
  });
  new Gauge({
    name: "quell_db_pool_connections",
    help: "Database pool connections of this process by state: total, idle, waiting (callers queued for a connection) and max.",
    labelNames: ["state"],
    registers: [metricsRegistry],
    collect() {
      const pool = (dataSource.driver as unknown as { master?: PgPoolLike }).master;
      if (!pool || typeof pool.totalCount !== "number") return;
      this.set({ state: "total" }, pool.totalCount);
      this.set({ state: "idle" }, pool.idleCount);
      this.set({ state: "waiting" }, pool.waitingCount);
      if (pool.options?.max) this.set({ state: "max" }, pool.options.max);
    },
  });
}
