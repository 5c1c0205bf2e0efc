import "reflect-metadata";
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import { Session } from "node:inspector/promises";
import path from "node:path";
import { Redis } from "ioredis";
import { Client, Pool } from "pg";
import { startApi } from "@quell/api/app";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { AlertSource } from "@quell/api/modules/alert/alert.entity";
import { loadConfig } from "@quell/api/platform/config";
import { QueueName } from "@quell/api/platform/queue/index";
import { startWorkers } from "@quell/workers/index";

/**
 * `npm run bench:alerts -- [events=20000] [concurrency=32] [dedupKeys=500]`: sustained alert
 * ingestion with deduplication on PostgreSQL + Redis (BullMQ). Phases, one after the other so they
 * do not compete for the 2 cores: ingestion (accepted alerts/s, p50/p95/p99 latency of the 202,
 * count in = count stored), the yardstick, then correlation of everything queued (events/s, every
 * event counted into its deduplicated alert). Yardstick, same run: the same INSERT done by hand in
 * SQL over a pg pool of the same concurrency, one commit each (no HTTP, token, rate limit, parsing or batching);
 * and the same load against a bare node:http server answering 202 with no work (the HTTP floor).
 * Uses its own database (bench_alerts), dropped at the end. Asserts nothing; prints JSON.
 * CPU figures (less sensitive to other load on the machine than rates): the API process's CPU ms
 * per accepted alert (the API runs in this process; the load generator is forked), the same for the
 * bare HTTP server, PostgreSQL backend CPU ms per alert (this database's backends, from /proc) and
 * SQL statements and Redis commands per alert; the same for correlation per event. BENCH_CPU_PROFILE=file.cpuprofile
 * writes a V8 CPU profile of the ingestion phase alone, BENCH_CPU_PROFILE_DRAIN=file of the correlation phase.
 */
const events = Number(process.argv[2] ?? 20_000);
const concurrency = Number(process.argv[3] ?? 32);
const dedupKeys = Number(process.argv[4] ?? 500);
const baseUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const DB = process.env.BENCH_DB ?? "bench_alerts";

const percentile = (sorted: number[], p: number) => +sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2);
const summary = (latencies: number[]) => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50ms: percentile(sorted, 0.5), p95ms: percentile(sorted, 0.95), p99ms: percentile(sorted, 0.99) };
};

async function admin(sql: string): Promise<void> {
  const pool = new Pool({ connectionString: baseUrl, max: 1 });
  await pool.query(sql);
  await pool.end();
}

/** CPU ms (user + system) of this process since `since`. */
const cpuMsSince = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

const CLOCK_TICKS_PER_SECOND = 100;
/** CPU ms used so far by each PostgreSQL backend serving `db` (from /proc, so only on the same machine). */
async function backendCpuMs(pool: Pool, db: string): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [db]);
  const cpu = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields after the command name: utime and stime are the 12th and 13th.
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
      cpu.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND);
    } catch {
      // Not on this machine, or gone.
    }
  }
  return cpu;
}
const cpuGrowth = (before: Map<number, number>, after: Map<number, number>) => [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

/** Statements sent to PostgreSQL and commands sent to Redis by this process (the API's, during ingestion). */
const roundTrips = { sql: 0, redis: 0 };
/** BENCH_SQL_TOP=1: statements by their first words, to see which ones a phase repeats. */
const statementsByText = process.env.BENCH_SQL_TOP === "1" ? new Map<string, number>() : null;
const countCalls = (proto: Record<string, unknown>, method: string, counter: keyof typeof roundTrips) => {
  const original = proto[method] as (...args: unknown[]) => unknown;
  proto[method] = function (this: unknown, ...args: unknown[]) {
    roundTrips[counter]++;
    if (counter === "sql" && statementsByText) {
      const text = typeof args[0] === "string" ? args[0] : String((args[0] as { text?: string })?.text ?? "?");
      const key = text.replace(/\s+/g, " ").slice(0, 90);
      statementsByText.set(key, (statementsByText.get(key) ?? 0) + 1);
    }
    return original.apply(this, args);
  };
};
const topStatements = () => {
  const top = [...(statementsByText ?? [])].sort((a, b) => b[1] - a[1]).slice(0, 25);
  statementsByText?.clear();
  return Object.fromEntries(top.map(([text, n]) => [text, n]));
};
countCalls(Client.prototype as never, "query", "sql");
countCalls(Redis.prototype as never, "sendCommand", "redis");

/** A V8 CPU profile of this process from now until stop(), written to `file` (nothing without a file). */
async function startProfile(file: string | undefined): Promise<{ stop: () => Promise<void> } | null> {
  if (!file) return null;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop() {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

type LoadResult = { seconds: number; latencies: number[]; statuses: Record<string, number>; cpuMs: number };

/** Runs the forked load generator against `url` and waits for its figures. */
async function runLoad(url: string, token: string): Promise<LoadResult> {
  const load = fork(path.join(__dirname, "alerts-load.js"), [url, token, String(events), String(concurrency), String(dedupKeys)]);
  const result = await new Promise<LoadResult>((resolve) => load.once("message", (m) => resolve(m as never)));
  load.kill();
  return result;
}

/** The floor under any HTTP ingestion on this machine right now: a bare node:http server that reads the body and answers 202. */
async function bareHttpServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const text = JSON.stringify({ status: "accepted", eventId: "00000000-0000-0000-0000-000000000000" });
      res.writeHead(202, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function main(): Promise<void> {
  await admin(`DROP DATABASE IF EXISTS ${DB}`);
  await admin(`CREATE DATABASE ${DB}`);
  const databaseUrl = baseUrl.replace(/\/[^/]*$/, `/${DB}`);
  process.env.QUELL_QUEUE_PREFIX = `bench-alerts-${randomBytes(3).toString("hex")}`;
  const config = loadConfig({ databaseUrl, redisUrl, httpPort: 0, jwtSecret: randomBytes(32).toString("hex"), seedDemo: false, alertRateLimitPrefix: `${process.env.QUELL_QUEUE_PREFIX}:alert-rate`, logLevel: "warn" });
  const api = await startApi(config);
  let workers: Awaited<ReturnType<typeof startWorkers>> | null = null;
  try {
    const { integration, token } = await api.services.alertAdmin.saveIntegration(SYSTEM_ACTOR, { name: "Bench", source: AlertSource.pagerduty, serviceLabel: "component", dedupFields: [], enabled: true } as never);

    // The system under test: HTTP → token → rate limit (Redis, default per-integration limit) → parse → group-committed INSERT, answered 202.
    const observer = new Pool({ connectionString: databaseUrl, max: 1 });
    const profile = await startProfile(process.env.BENCH_CPU_PROFILE);
    const pgCpuBefore = await backendCpuMs(observer, DB);
    const roundTripsBefore = { ...roundTrips };
    const apiCpuStart = process.cpuUsage();
    const result = await runLoad(api.http.url, token!);
    const apiCpuMs = cpuMsSince(apiCpuStart);
    const ingestStatements = topStatements();
    const ingestRoundTrips = { sql: roundTrips.sql - roundTripsBefore.sql, redis: roundTrips.redis - roundTripsBefore.redis };
    const pgCpuAfter = await backendCpuMs(observer, DB);
    await profile?.stop();
    await observer.end();
    const { commits, events: committedEvents } = api.services.alertIngestion.commitStats;
    const accepted = result.statuses["202"] ?? 0;
    const storedEvents = Number((await api.dataSource.query(`SELECT count(*) AS n FROM alert_event WHERE integration_id = $1`, [integration.id]))[0].n);

    // Yardstick: the same statement by hand, same concurrency, no HTTP.
    const pool = new Pool({ connectionString: databaseUrl, max: Math.min(concurrency, 10) });
    const sample = JSON.stringify([{ action: "trigger", title: "Bench alert", description: "", sourceSeverity: "warning", labels: { source: "host-1", component: "bench" }, details: {}, dedupKey: "bench-1", occurredAt: new Date().toISOString() }]);
    let next = 0;
    const sqlLatencies: number[] = [];
    const sqlStart = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (;;) {
          const i = next++;
          if (i >= events) return;
          const t = performance.now();
          await pool.query(
            `WITH e AS (INSERT INTO alert_event (integration_id, idempotency_key, alerts, processed_at) VALUES ($1, $2, $3::jsonb, now()) ON CONFLICT (integration_id, idempotency_key) DO NOTHING RETURNING id),
                  o AS (INSERT INTO outbox (queue, job_name, payload, dispatched_at, completed_at) SELECT 'yardstick', 'none', jsonb_build_object('eventId', e.id), now(), now() FROM e RETURNING id)
             SELECT id FROM e`,
            [integration.id, `yardstick-${i}`, sample],
          );
          sqlLatencies.push(performance.now() - t);
        }
      }),
    );
    const sqlSeconds = (performance.now() - sqlStart) / 1000;
    await pool.end();

    // Second yardstick: the same load against HTTP that does nothing (what this machine allows any HTTP ingestion now).
    const bare = await bareHttpServer();
    const bareCpuStart = process.cpuUsage();
    const bareResult = await runLoad(bare.url, token!);
    const bareCpuMs = cpuMsSince(bareCpuStart);
    await bare.close();

    // Correlation, queued during ingestion, runs now (started after both timed phases so neither competes with it).
    // BENCH_SKIP_DRAIN=1 leaves it out (when tuning ingestion alone).
    const skipDrain = process.env.BENCH_SKIP_DRAIN === "1";
    if (!skipDrain) workers = await startWorkers(api, { queues: [QueueName.Alerts], relay: { intervalMs: 50, batchSize: 500 }, schedules: false });
    topStatements();
    const drainProfile = skipDrain ? null : await startProfile(process.env.BENCH_CPU_PROFILE_DRAIN);
    const drainCpuStart = process.cpuUsage();
    const drainSqlBefore = roundTrips.sql;
    const drainObserver = new Pool({ connectionString: databaseUrl, max: 1 });
    const drainPgCpuBefore = await backendCpuMs(drainObserver, DB);
    const drainStart = performance.now();
    while (!skipDrain) {
      const [{ n }] = await api.dataSource.query(`SELECT count(*)::int AS n FROM alert_event WHERE processed_at IS NULL AND integration_id = $1`, [integration.id]);
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const drainSeconds = (performance.now() - drainStart) / 1000;
    // Workers run in this process too; the polling above adds a statement every 200 ms.
    const drainCpuMs = cpuMsSince(drainCpuStart);
    await drainProfile?.stop();
    const drainSql = roundTrips.sql - drainSqlBefore;
    const drainStatements = topStatements();
    const drainPgCpuMs = cpuGrowth(drainPgCpuBefore, await backendCpuMs(drainObserver, DB));
    await drainObserver.end();
    const [{ alerts, counted }] = await api.dataSource.query(`SELECT count(*)::int AS alerts, coalesce(sum(count), 0)::int AS counted FROM alert WHERE integration_id = $1`, [integration.id]);
    const [{ processed }] = await api.dataSource.query(`SELECT count(*)::int AS processed FROM alert_event WHERE integration_id = $1 AND processed_at IS NOT NULL AND idempotency_key NOT LIKE 'yardstick-%'`, [integration.id]);


    console.log(
      JSON.stringify(
        {
          bench: "alerts-ingest",
          events,
          concurrency,
          dedupKeys,
          ingest: { alertsPerSecond: Math.round(accepted / result.seconds), seconds: +result.seconds.toFixed(2), statuses: result.statuses, ...summary(result.latencies) },
          cpu: {
            apiMsPerAlert: +(apiCpuMs / Math.max(1, accepted)).toFixed(3),
            postgresBackendMsPerAlert: +(cpuGrowth(pgCpuBefore, pgCpuAfter) / Math.max(1, accepted)).toFixed(3),
            sqlStatementsPerAlert: +(ingestRoundTrips.sql / Math.max(1, accepted)).toFixed(3),
            redisCommandsPerAlert: +(ingestRoundTrips.redis / Math.max(1, accepted)).toFixed(3),
            loadGeneratorMsPerAlert: +(result.cpuMs / Math.max(1, accepted)).toFixed(3),
            bareHttpMsPerRequest: +(bareCpuMs / events).toFixed(3),
            bareHttpLoadGeneratorMsPerRequest: +(bareResult.cpuMs / events).toFixed(3),
          },
          loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
          eventsPerCommit: +(committedEvents / Math.max(1, commits)).toFixed(1),
          countSent: events,
          countIn: accepted,
          eventsStored: storedEvents,
          countInEqualsStored: accepted === storedEvents,
          correlation: skipDrain ? "skipped (BENCH_SKIP_DRAIN=1)" : { drainSeconds: +drainSeconds.toFixed(2), eventsPerSecond: Math.round(accepted / drainSeconds), workerCpuMsPerEvent: +(drainCpuMs / Math.max(1, accepted)).toFixed(3), postgresBackendCpuMsPerEvent: +(drainPgCpuMs / Math.max(1, accepted)).toFixed(3), sqlStatementsPerEvent: +(drainSql / Math.max(1, accepted)).toFixed(3), eventsProcessed: processed, alerts, countSum: counted, everyEventCounted: counted === accepted },
          yardstickHandSql: { insertsPerSecond: Math.round(events / sqlSeconds), seconds: +sqlSeconds.toFixed(2), ...summary(sqlLatencies) },
          yardstickBareHttp: { requestsPerSecond: Math.round(events / bareResult.seconds), seconds: +bareResult.seconds.toFixed(2), ...summary(bareResult.latencies) },
          ingestOverSqlYardstick: +(accepted / result.seconds / (events / sqlSeconds)).toFixed(2),
          ingestOverBareHttp: +(accepted / result.seconds / (events / bareResult.seconds)).toFixed(2),
          ...(statementsByText ? { ingestStatements, drainStatements } : {}),
          goalAlertsPerSecond: 2000,
          note: "2 shared cores: the load generator, the API, correlation workers, PostgreSQL and Redis all run on them",
        },
        null,
        2,
      ),
    );
  } finally {
    await workers?.close();
    await api.close();
    await admin(`DROP DATABASE IF EXISTS ${DB}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
