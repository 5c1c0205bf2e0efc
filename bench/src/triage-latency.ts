import "reflect-metadata";
// A bench signs no sessions: a throwaway JWT secret satisfies the production start-up check.
import { randomBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { cpus, loadavg } from "node:os";
import { startRuntime } from "@quell/api/app";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { INCIDENT_CHANGED, IncidentChangeKind, type IncidentChangedPayload } from "@quell/api/modules/incident/incident.events";
import { ModelTrainer } from "@quell/api/modules/model/model.training";
import { loadConfig } from "@quell/api/platform/config";
import { startWorkers } from "@quell/workers/index";
import { DataSource } from "typeorm";
import { LoopMonitor } from "./loop-monitor";
import { createCatalog, insertHistory, topicGenerator } from "./triage-synth";

/**
 * Triage latency: from the commit of a new incident to its suggestions being stored (the
 * suggestions_changed event, published after that commit), with N incidents in history.
 * Sequential creations, so this is latency, not throughput. Path measured: outbox row → relay
 * poll → queue (BullMQ when REDIS_URL is set, else in-process) → TriageEngine (3 classifiers +
 * similar top-10 over the history) → one transaction storing the set.
 *
 *   npm run bench:triage -- [--history 100000] [--samples 300] [--memory-at 1000000] [--training-only]
 * Needs DATABASE_URL (a fresh schema is created and dropped). Writes bench/out/triage-latency.json.
 * During the retraining it also reports how long the event loop was blocked (`training_event_loop`:
 * delay histogram, a 10 ms timer's gaps by stage, and a SELECT 1 probe every 250 ms), i.e. how long
 * the API, triage jobs and queue lock renewals sharing the process would have waited.
 * `--training-only` stops after the retraining (no latency samples).
 */
function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const log = (m: string) => process.stderr.write(`${m}\n`);

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(start);
  return (u.user + u.system) / 1e6;
}

/** Wall and CPU seconds per progress stage; a stage that comes back adds to its earlier time. */
class StageClock {
  private current = "";
  private wall0 = performance.now();
  private cpu0 = process.cpuUsage();
  private readonly totals = new Map<string, { wall_s: number; cpu_s: number }>();

  enter(stage: string): void {
    if (stage === this.current) return;
    if (this.current) {
      const t = this.totals.get(this.current) ?? { wall_s: 0, cpu_s: 0 };
      t.wall_s += (performance.now() - this.wall0) / 1000;
      t.cpu_s += cpuSecondsSince(this.cpu0);
      this.totals.set(this.current, t);
    }
    this.current = stage;
    this.wall0 = performance.now();
    this.cpu0 = process.cpuUsage();
  }

  report(): Record<string, { wall_s: number; cpu_s: number }> {
    return Object.fromEntries([...this.totals].map(([k, v]) => [k, { wall_s: +v.wall_s.toFixed(2), cpu_s: +v.cpu_s.toFixed(2) }]));
  }
}

async function main(): Promise<void> {
  const history = arg("history", 100_000);
  const samples = arg("samples", 300);
  const memoryAt = arg("memory-at", 0);
  const trainingOnly = process.argv.includes("--training-only");
  if (!process.env.DATABASE_URL) throw new Error("set DATABASE_URL (PostgreSQL); the embedded database is not what we benchmark");
  const schema = `bench_triage_${process.pid}`;
  process.env.QUELL_QUEUE_PREFIX = `bench-${process.pid}`;
  const config = loadConfig({ databaseSchema: schema, dataDir: ":memory:", jwtSecret: randomBytes(32).toString("hex") });
  const runtime = await startRuntime(config);
  const report: Record<string, unknown> = { history, samples, queue: config.redisUrl ? "bullmq" : "in-process", node: process.version };
  try {
    const catalog = await createCatalog(runtime.dataSource);
    let t = Date.now();
    await insertHistory(runtime.dataSource, catalog, history, (d) => d % 20_000 === 0 && log(`history: ${d}/${history}`));
    report.insert_history_s = (Date.now() - t) / 1000;

    t = Date.now();
    const run = await runtime.services.models.createRun("cli", null);
    // CPU time of this process beside wall time, per stage: on a shared machine the wall clock
    // also counts other processes. PostgreSQL's own CPU (storing embeddings) is not in it.
    const stages = new StageClock();
    const trainCpu0 = process.cpuUsage();
    const loop = new LoopMonitor(10, () => runtime.dataSource.query("SELECT 1"));
    loop.start();
    const outcomes = await new ModelTrainer(runtime.dataSource, runtime.services.models).run(run.id, (p, s) => {
      stages.enter(s);
      loop.enter(s);
      log(`${new Date().toISOString().slice(11, 23)} training ${p.toFixed(1)}% ${s}`);
    });
    stages.enter("");
    const loopReport = loop.stop();
    report.training_event_loop = loopReport;
    log(`event loop during training: delay max ${loopReport.delay_max_ms} ms, p99 ${loopReport.delay_p99_ms} ms; timer gaps max ${loopReport.gap_max_ms} ms, ${loopReport.gaps_over_1s} over 1 s, ${loopReport.timer_ticks} ticks; RSS max ${loopReport.rss_max_mb} MB; SELECT 1 probe ${JSON.stringify(loopReport.probe_ms)}`);
    for (const g of loopReport.worst_gaps) log(`  gap ${String(g.ms).padStart(6)} ms  ${g.stages}`);
    report.training_s = (Date.now() - t) / 1000;
    report.training_cpu_s = +cpuSecondsSince(trainCpu0).toFixed(1);
    report.training_load_average = loadavg().map((l) => +l.toFixed(1));
    report.training_stages = stages.report();
    for (const [stage, v] of Object.entries(report.training_stages as Record<string, { wall_s: number; cpu_s: number }>)) log(`  ${stage.padEnd(40)} ${v.wall_s.toFixed(1)} s wall, ${v.cpu_s.toFixed(1)} s CPU`);
    log(`training: ${report.training_s} s wall, ${report.training_cpu_s} s CPU, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
    report.training_outcomes = outcomes.map((o) => ({ kind: o.kind, outcome: o.outcome, holdout: o.candidate }));
    if (!trainingOnly) {
      const stored = new Map<string, number>();
      const abort = new AbortController();
      void (async () => {
        for await (const e of runtime.services.pubsub.subscribe(INCIDENT_CHANGED, abort.signal)) {
          const ev = e as IncidentChangedPayload;
          if (ev.kind === IncidentChangeKind.suggestions_changed && !stored.has(ev.incidentId)) stored.set(ev.incidentId, performance.now());
        }
      })().catch(() => undefined);
      const workers = await startWorkers(runtime, { relay: { intervalMs: 10 }, schedules: false });
      const gen = topicGenerator(99);
      const waitStored = async (id: string) => {
        while (!stored.has(id)) await new Promise((r) => setTimeout(r, 1));
        return stored.get(id)!;
      };
      const create = (i: number) => {
        const topic = i % gen.topics.length;
        return runtime.services.incidents.create(SYSTEM_ACTOR, { title: gen.text(topic, 3, 2), description: gen.text(topic, 8, 14), impact: 2, urgency: 2 });
      };

      t = Date.now();
      const warm = await create(-1 + gen.topics.length);
      await waitStored(warm.id);
      report.first_job_with_index_load_s = (Date.now() - t) / 1000;
      for (let i = 0; i < 10; i++) await waitStored((await create(i)).id);
      // For 10 s after a bulk load of vectors (the retraining just stored 100k) each sync re-reads
      // their stamps (SimilarStore's look-back window for late commits); measure the steady state.
      await new Promise((r) => setTimeout(r, 11_000));
      for (let i = 0; i < 5; i++) await waitStored((await create(i)).id);

      const latencies: number[] = [];
      for (let i = 0; i < samples; i++) {
        const incident = await create(i);
        const committed = performance.now();
        latencies.push((await waitStored(incident.id)) - committed);
      }
      if (process.env.BENCH_TRACE) log(`latencies in order: ${latencies.map((l) => l.toFixed(0)).join(" ")}`);
      latencies.sort((a, b) => a - b);
      report.latency_ms = { p50: +pct(latencies, 50).toFixed(1), p95: +pct(latencies, 95).toFixed(1), p99: +pct(latencies, 99).toFixed(1), max: +latencies[latencies.length - 1].toFixed(1) };
      global.gc?.();
      const mem = process.memoryUsage();
      report.process_memory_mb_at_history = { rss: mb(mem.rss), heapUsed: mb(mem.heapUsed), external: mb(mem.external + mem.arrayBuffers), note: "API runtime + workers + index in one process" };
      log(`latency: ${JSON.stringify(report.latency_ms)} memory: ${JSON.stringify(report.process_memory_mb_at_history)}`);
      abort.abort();
      await workers.close();

      if (memoryAt > history) {
        t = Date.now();
        await insertHistory(runtime.dataSource, catalog, memoryAt - history, (d) => d % 100_000 === 0 && log(`more history: ${d}/${memoryAt - history}`), 12);
        report.memory_insert_s = (Date.now() - t) / 1000;
        // A fresh worker process: first start embeds the incidents it has no vector for, the second
        // start is a plain restart that rebuilds the index from stored vectors.
        const child = (label: string) => {
          const out = execFileSync(process.execPath, ["--expose-gc", "--max-old-space-size=8192", path.join(__dirname, "triage-memory.js")], {
            env: { ...process.env, QUELL_DB_SCHEMA: schema, LOG_LEVEL: "error" },
            stdio: ["ignore", "pipe", "inherit"],
            maxBuffer: 1 << 20,
          }).toString();
          // The report is the last line; anything before it is log output.
          const last = out.trim().split("\n").pop()!;
          log(`${label}: ${last}`);
          return JSON.parse(last) as Record<string, unknown>;
        };
        report.worker_at_memory_at = { incidents: memoryAt, first_start_embeds_missing: child("first start"), restart_from_stored_vectors: child("restart") };
      }
    }
  } finally {
    await runtime.close();
    const ds = new DataSource({ type: "postgres", url: config.databaseUrl });
    await ds.initialize();
    await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await ds.destroy();
  }
  const out = path.resolve(__dirname, "../out");
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, "triage-latency.json"), JSON.stringify(report, null, 2) + "\n");
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
